#include "adapters/archive/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <vector>

#include "adapters/common/digest.hpp"

namespace fluxaws::archive {

namespace {
constexpr std::string_view temp_marker = ".tmp-";

std::string errno_text(int err) { return std::generic_category().message(err); }
}  // namespace

struct atomic_file::impl {
  std::filesystem::path dest;
  std::filesystem::path temp;
  int fd = -1;
  bool done = false;  // committed or aborted
  std::uint64_t size = 0;
  digest::sha256_stream hash;
};

atomic_file::atomic_file() : impl_(std::make_unique<impl>()) {}

atomic_file::~atomic_file() { abort(); }

result<std::unique_ptr<atomic_file>> atomic_file::create(const std::filesystem::path& dest) {
  std::unique_ptr<atomic_file> f(new atomic_file());
  f->impl_->dest = dest;
  auto dir = dest.parent_path();
  std::string name(1, '.');  // built by appending: GCC 12 misreports "lit" + string&& (-Wrestrict)
  name += dest.filename().string();
  name += temp_marker;
  name += "XXXXXX";
  std::string templ = (dir.empty() ? std::filesystem::path(name) : dir / name).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = ::mkostemp(buf.data(), O_CLOEXEC);  // creates with mode 0600
  if (fd < 0) {
    return make_error("io", "cannot create a temp file for '" + dest.string() + "': " + errno_text(errno));
  }
  f->impl_->fd = fd;
  f->impl_->temp = std::filesystem::path(buf.data());
  return f;
}

status atomic_file::write(std::string_view data) {
  if (impl_->done || impl_->fd < 0) return make_error("io", "write to a closed file '" + impl_->dest.string() + "'");
  impl_->hash.update(data);
  impl_->size += data.size();
  while (!data.empty()) {
    ssize_t n = ::write(impl_->fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("io", "cannot write '" + impl_->dest.string() + "': " + errno_text(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

result<committed_file> atomic_file::commit(std::optional<std::chrono::system_clock::time_point> mtime,
                                           std::string_view expected_digest) {
  if (impl_->done || impl_->fd < 0) return make_error("io", "commit of a closed file '" + impl_->dest.string() + "'");
  std::string got = "sha256:" + impl_->hash.finish_hex();
  if (!expected_digest.empty() && got != expected_digest) {
    abort();
    return make_error("digest_mismatch", "content of '" + impl_->dest.filename().string() + "' has digest " + got +
                                             ", expected " + std::string(expected_digest));
  }
  auto fail = [&](const std::string& what, int err) -> error_info {
    abort();
    return make_error("io", what + " '" + impl_->dest.string() + "': " + errno_text(err));
  };
  if (::fsync(impl_->fd) != 0) return fail("cannot sync", errno);
  if (mtime) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime->time_since_epoch()).count();
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = static_cast<time_t>(ns / 1000000000);
    ts[0].tv_nsec = ts[1].tv_nsec = static_cast<long>(ns % 1000000000);
    if (ts[0].tv_nsec < 0) {  // before the epoch
      ts[0].tv_sec -= 1, ts[1].tv_sec -= 1;
      ts[0].tv_nsec += 1000000000, ts[1].tv_nsec += 1000000000;
    }
    if (::futimens(impl_->fd, ts) != 0) return fail("cannot set the time of", errno);
  }
  int fd = impl_->fd;
  impl_->fd = -1;
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(impl_->temp.c_str());
    impl_->done = true;
    return make_error("io", "cannot close '" + impl_->dest.string() + "': " + errno_text(err));
  }
  if (::rename(impl_->temp.c_str(), impl_->dest.c_str()) != 0) {
    int err = errno;
    ::unlink(impl_->temp.c_str());
    impl_->done = true;
    return make_error("io", "cannot rename into '" + impl_->dest.string() + "': " + errno_text(err));
  }
  impl_->done = true;
  return committed_file{got, impl_->size};
}

void atomic_file::abort() {
  if (impl_->done) return;
  impl_->done = true;
  if (impl_->fd >= 0) {
    ::close(impl_->fd);
    impl_->fd = -1;
  }
  if (!impl_->temp.empty()) ::unlink(impl_->temp.c_str());
}

const std::filesystem::path& atomic_file::temp_path() const { return impl_->temp; }
const std::filesystem::path& atomic_file::dest_path() const { return impl_->dest; }
std::uint64_t atomic_file::bytes_written() const { return impl_->size; }

bool atomic_file::is_temp_name(std::string_view filename) {
  if (filename.size() < 1 + temp_marker.size() + 6 || filename[0] != '.') return false;
  auto pos = filename.rfind(temp_marker);
  return pos != std::string_view::npos && pos >= 1 && filename.size() - pos - temp_marker.size() == 6;
}

}  // namespace fluxaws::archive
