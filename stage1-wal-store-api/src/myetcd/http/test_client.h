// A deliberately small blocking HTTP/1.1 client over POSIX sockets, for tests: it can send
// exactly the bytes a test wants (malformed ones included) and read one response. It does
// not include Beast, so a test that uses it compiles in seconds.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace myetcd::http::testing {

struct RawResponse {
  int status = 0;                              // 0 when the connection closed without a response
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// True if a TCP connection to 127.0.0.1:port is accepted right now (false once refused).
bool CanConnect(int port);

class TestConnection {
 public:
  // Connects to 127.0.0.1:port; aborts the test binary if it cannot (the server is ours).
  explicit TestConnection(int port);
  ~TestConnection();
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  void SendRaw(std::string_view bytes);
  // Sends a request with Content-Length (and keep-alive), returns the parsed response.
  RawResponse Request(std::string_view method, std::string_view target, std::string_view body = {});
  // Reads one response (status line, headers, Content-Length body).
  RawResponse ReadResponse();
  // True if the server closed the connection within `within`.
  bool ClosedByPeer(std::chrono::milliseconds within);

 private:
  bool Fill();  // reads more bytes into buffer_; false on EOF/error
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace myetcd::http::testing
