#include "tools/lincheck/checker.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/lincheck/synthetic.h"

namespace myetcd::lincheck {
namespace {

// A tiny history language for the hand-written cases, one op per line:
//   <client> <call> <ret|inf> <f> <key> [args...] [-> result]   f: get put del cas append
//   "1 0 5 put x a", "2 6 8 get x -> a", "3 1 4 cas x a b fail", "2 6 8 get x -> -" (absent)
History H(const std::string& text) {
  History h;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    Operation op;
    std::string ret, f;
    if (!(l >> op.client >> op.call >> ret >> f >> op.key)) continue;
    op.id = ++n;
    op.line = n;
    op.ret = ret == "inf" ? kNever : std::stoll(ret);
    if (ret == "inf") op.outcome = Outcome::kUnknown;
    std::string a, b;
    if (f == "get") {
      op.kind = OpKind::kGet;
      l >> a >> b;  // "->" value
      if (b != "-") op.value = b;
    } else if (f == "put" || f == "append") {
      op.kind = f == "put" ? OpKind::kPut : OpKind::kAppend;
      l >> a;
      op.value = a;
    } else if (f == "del") {
      op.kind = OpKind::kDelete;
    } else if (f == "cas") {
      op.kind = OpKind::kCas;
      l >> a >> b;
      if (a != "-") op.expected = a;
      op.value = b;
      std::string result;
      if (l >> result && result == "fail") op.outcome = Outcome::kFail;
    }
    h.push_back(op);
  }
  return h;
}

Verdict V(const std::string& text) { return Check(H(text)).verdict; }

std::filesystem::path CorpusDir() {
  if (const char* env = std::getenv("MYETCD_LINCHECK_CORPUS")) return env;
  return std::filesystem::path(MYETCD_ROOT_DIR) / ".." / "shared" / "lincheck-corpus";
}

}  // namespace

TEST_CASE("lincheck: a sequential history that reads its writes is linearizable") {
  CHECK(V("1 0 1 put x a\n1 2 3 get x -> a\n1 4 5 del x\n1 6 7 get x -> -") ==
        Verdict::kLinearizable);
}

TEST_CASE("lincheck: a read after a completed write must not see the old value") {
  CHECK(V("1 0 1 put x a\n1 2 3 put x b\n2 4 5 get x -> a") == Verdict::kViolation);
}

TEST_CASE("lincheck: overlapping ops may take effect in either order") {
  // The put of b overlaps both reads: one may see a, the next b, but not b then a.
  CHECK(V("1 0 1 put x a\n2 2 10 put x b\n3 3 4 get x -> b\n3 5 6 get x -> a") ==
        Verdict::kViolation);
  CHECK(V("1 0 1 put x a\n2 2 10 put x b\n3 3 4 get x -> a\n3 5 6 get x -> b") ==
        Verdict::kLinearizable);
  // Touching intervals are concurrent (closed intervals).
  CHECK(V("1 0 5 put x a\n2 5 6 get x -> -") == Verdict::kLinearizable);
}

TEST_CASE("lincheck: cas succeeds only on a match; a failed cas saw a mismatch") {
  CHECK(V("1 0 1 put x a\n1 2 3 cas x a b\n1 4 5 get x -> b") == Verdict::kLinearizable);
  CHECK(V("1 0 1 put x a\n1 2 3 cas x c b\n1 4 5 get x -> b") == Verdict::kViolation);
  CHECK(V("1 0 1 put x a\n1 2 3 cas x a b fail") == Verdict::kViolation);
  CHECK(V("1 0 1 put x a\n1 2 3 cas x z b fail\n1 4 5 get x -> a") == Verdict::kLinearizable);
}

TEST_CASE("lincheck: an unknown write may have happened, or not") {
  CHECK(V("1 0 inf put x a\n2 5 6 get x -> a") == Verdict::kLinearizable);
  CHECK(V("1 0 inf put x a\n2 5 6 get x -> -") == Verdict::kLinearizable);
  // ...but not before it was called.
  CHECK(V("2 0 1 get x -> a\n1 2 inf put x a") == Verdict::kViolation);
  // An unknown cas: either outcome, never a third.
  CHECK(V("1 0 1 put x a\n2 2 inf cas x a b\n3 4 5 get x -> b") == Verdict::kLinearizable);
  CHECK(V("1 0 1 put x a\n2 2 inf cas x a b\n3 4 5 get x -> c") == Verdict::kViolation);
}

TEST_CASE("lincheck: append builds the concatenation that gets return") {
  CHECK(V("1 0 1 append x a\n1 2 3 append x b\n1 4 5 get x -> ab") == Verdict::kLinearizable);
  CHECK(V("1 0 1 append x a\n1 2 3 append x b\n1 4 5 get x -> ba") == Verdict::kViolation);
}

TEST_CASE("lincheck: keys are checked apart, and a violation names its key and op") {
  auto report = Check(H("1 0 1 put x a\n1 2 3 put y b\n2 4 5 get y -> b\n2 6 7 get x -> -"));
  CHECK(report.verdict == Verdict::kViolation);
  CHECK(report.keys == 2);
  REQUIRE(report.problems.size() == 1);
  const KeyReport& k = report.problems[0];
  CHECK(k.key == "x");
  CHECK(k.longest_prefix.size() == 1);  // the put of a
  REQUIRE(k.first_unplaced);
  CHECK(k.first_unplaced->kind == OpKind::kGet);
  std::string text = FormatReport(report);
  CHECK(text.find("key 'x'") != std::string::npos);
  CHECK(text.find("first operation that could not be placed") != std::string::npos);
}

TEST_CASE("lincheck: revision rules catch a write that went back in time") {
  History h = H("1 0 1 put x a\n2 2 3 put y b\n3 4 5 get x -> a");
  h[0].revision = 5;
  h[1].revision = 4;  // called after the first returned, yet an older revision
  h[2].revision = 6;
  auto problems = CheckRevisions(h);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("went back in real time") != std::string::npos);
  h[0].revision = 6;
  h[1].revision = 6;  // two writes at one revision (and the second is not newer)
  h[2].revision = 6;  // a read may share a write's revision
  problems = CheckRevisions(h);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("two writes at revision 6") != std::string::npos);
  CHECK(problems[1].find("went back in real time") != std::string::npos);
  h[0].revision = 5;
  h[1].revision = 7;
  h[2].revision = 7;
  h[2].mod_revision = 8;
  problems = CheckRevisions(h);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("modified at 8") != std::string::npos);
}

TEST_CASE("lincheck: every history of the known-answer corpus gets its expected verdict") {
  const auto corpus = CorpusDir();
  INFO("corpus: " << corpus.string() << " (set MYETCD_LINCHECK_CORPUS if shared/ is elsewhere)");
  REQUIRE(std::filesystem::exists(corpus / "jepsen-etcd" / "expected.tsv"));
  int checked = 0;
  for (const char* dir : {"jepsen-etcd", "kv"}) {
    std::ifstream expected(corpus / dir / "expected.tsv");
    std::string file, verdict;
    std::getline(expected, file);  // header
    while (expected >> file >> verdict) {
      auto history = ReadHistoryFile((corpus / dir / file).string());
      REQUIRE_MESSAGE(history.ok(), history.status().ToString());
      CheckOptions opts;
      opts.budget_per_key = std::chrono::seconds(120);
      auto report = Check(*history, opts);
      INFO(dir << "/" << file << ": expected linearizable=" << verdict << ", got "
               << VerdictName(report.verdict));
      CHECK(report.verdict == (verdict == "true" ? Verdict::kLinearizable : Verdict::kViolation));
      ++checked;
    }
  }
  CHECK(checked == 108);
}

TEST_CASE("lincheck: 50k synthetic operations, 8 clients, 100 keys: both verdicts, in budget") {
  SyntheticOptions o;
  History h = MakeLinearizableHistory(o);
  CheckOptions opts;
  opts.budget_per_key = std::chrono::seconds(5);  // exhausting it is a failure, not a pass
  auto good = Check(h, opts);
  CHECK(good.verdict == Verdict::kLinearizable);
  CHECK(good.ops == 50000);
  REQUIRE(InjectStaleRead(&h, 7));
  auto bad = Check(h, opts);
  CHECK(bad.verdict == Verdict::kViolation);
  CHECK(bad.problems.size() == 1);
}

TEST_CASE("lincheck: the three history formats parse") {
  auto json = ParseHistory(
      R"({"client":1,"op_id":1,"key":"k","f":"put","value":"v","call_ns":10,"ret_ns":20,"outcome":"ok","revision":2})"
      "\n"
      R"({"client":2,"op_id":2,"key":"k","f":"get","value":null,"call_ns":30,"ret_ns":40,"outcome":"ok"})"
      "\n"
      R"({"client":3,"op_id":3,"key":"k","f":"cas","expected":"v","value":"w","call_ns":50,"outcome":"unknown"})");
  REQUIRE(json.ok());
  REQUIRE(json->size() == 3);
  CHECK((*json)[0].revision == 2);
  CHECK(!(*json)[1].value.has_value());
  CHECK((*json)[2].ret == kNever);
  CHECK(Check(*json).verdict == Verdict::kViolation);  // the get saw absent after the put

  auto jepsen = ParseHistory(
      "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
      "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
      "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 2]\n"
      "INFO  jepsen.util - 1\t:fail\t:cas\t[1 2]\n");
  REQUIRE(jepsen.ok());
  REQUIRE(jepsen->size() == 2);
  CHECK((*jepsen)[1].outcome == Outcome::kFail);
  CHECK(Check(*jepsen).verdict == Verdict::kViolation);  // the value was 1, cas had to work

  auto edn = ParseHistory(
      "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x\"}\n"
      "{:process 0, :type :ok, :f :append, :key \"0\", :value \"x\"}\n");
  REQUIRE(edn.ok());
  CHECK(edn->size() == 1);
  CHECK_FALSE(ParseHistory("{not json").ok());
}

}  // namespace myetcd::lincheck
