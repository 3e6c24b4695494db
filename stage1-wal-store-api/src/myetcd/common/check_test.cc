#include "myetcd/common/check.h"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

namespace myetcd {

TEST_CASE("check: a broken invariant aborts with the condition and the message") {
  int pipefd[2];
  REQUIRE(pipe(pipefd) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {  // the child breaks an invariant
    dup2(pipefd[1], STDERR_FILENO);
    int applied = 7, committed = 5;
    MYETCD_CHECK(applied <= committed, "applied " << applied << " > committed " << committed);
    _exit(0);  // not reached
  }
  close(pipefd[1]);
  std::string err;
  char buf[256];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) err.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(err.find("CHECK failed: applied <= committed: applied 7 > committed 5") !=
        std::string::npos);
}

TEST_CASE("check: a kept invariant costs nothing but the test") {
  int calls = 0;
  MYETCD_CHECK(++calls == 1, "evaluated once");
  CHECK(calls == 1);
}

}  // namespace myetcd
