// A deliberately broken S3 for the Bucket reconciler's bad-input cases, on 127.0.0.1
// (plain HTTP, path style, no authentication): it lists what it is told, serves
// objects, and can truncate a body, answer a malformed listing, or have an object
// vanish between the listing and the GET. Its own thread; stopped by the destructor.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace fluxaws::testing {

class fake_s3 {
 public:
  struct object {
    std::string body;
    bool truncate = false;  // promise more bytes than sent, then close
    bool vanish = false;    // listed, but GET answers 404 NoSuchKey
  };

  explicit fake_s3(std::string bucket);
  ~fake_s3();

  void put(const std::string& key, object o);
  // Replaces the ListObjectsV2 answer with this text (e.g. malformed XML).
  void set_raw_listing(std::string xml);
  unsigned short port() const { return port_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  int gets() const { return gets_.load(); }

 private:
  void run();
  void serve(int fd);
  std::string listing();

  std::string bucket_;
  std::mutex mu_;
  std::map<std::string, object> objects_;
  std::string raw_listing_;
  int listen_fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> gets_{0};
  std::thread thread_;
};

}  // namespace fluxaws::testing
