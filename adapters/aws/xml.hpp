// A small, safe XML reader for AWS answers (STS awsQuery, S3 restXml, error
// documents). It builds a tree of elements with their character data.
//
// Supported: the XML declaration and processing instructions (skipped), comments
// (skipped), elements with attributes (parsed for well-formedness, then dropped),
// CDATA sections, the five predefined entities (&amp; &lt; &gt; &quot; &apos;) and
// numeric character references (&#NN; &#xHH;, restricted to XML's Char range).
// Namespaces are ignored: an element's name is its local part ("s3:Key" → "Key").
//
// Refused: DOCTYPE declarations (so no DTDs, no external or custom entities — no XXE,
// no entity expansion), unknown entities, mismatched or unclosed tags, anything but
// whitespace, comments and PIs around the root element, and documents beyond the
// limits (size, depth, element count). Every refusal is a result error with code
// "parse" and the byte offset; the reader never throws and never reads past the input.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"

namespace fluxaws::aws::xml {

struct element {
  std::string name;  // local name
  std::string text;  // character data directly inside this element, decoded
  std::vector<element> children;

  // First child with this local name, or nullptr.
  const element* child(std::string_view local) const;
  // Follows a path of child names; nullptr when a step is missing.
  const element* find(std::initializer_list<std::string_view> path) const;
  // Every child with this local name, in document order.
  std::vector<const element*> all(std::string_view local) const;
  // The text of the first child with this name, or fallback when absent.
  std::string_view child_text(std::string_view local, std::string_view fallback = {}) const;
};

struct limits {
  std::size_t max_bytes = 16u << 20;
  std::size_t max_depth = 64;
  std::size_t max_elements = 1u << 20;
};

// Parses one document; the result is its root element.
result<element> parse(std::string_view document, const limits& lim = {});

}  // namespace fluxaws::aws::xml
