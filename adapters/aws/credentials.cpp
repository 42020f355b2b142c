// credentials.hpp is header-only; this unit keeps the library non-empty until the
// signer and the credential sources land.
#include "adapters/aws/credentials.hpp"
