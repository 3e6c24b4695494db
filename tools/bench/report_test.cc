#include "tools/bench/report.h"

#include <doctest/doctest.h>

namespace myetcd::bench {

TEST_CASE("report: statuses are counted, 2xx is ok, the rest are errors") {
  RunStats a, b;
  a.ops[static_cast<size_t>(Op::kGet)].RecordStatus(200, 1000);
  a.ops[static_cast<size_t>(Op::kGet)].RecordStatus(404, 2000);
  b.ops[static_cast<size_t>(Op::kGet)].RecordStatus(200, 3000);
  b.ops[static_cast<size_t>(Op::kPut)].RecordStatus(200, 4000);
  b.ops[static_cast<size_t>(Op::kPut)].RecordTransportError();
  a.Merge(b);
  const OpStats total = a.Total();
  CHECK(total.requests() == 5);
  CHECK(total.ok == 3);
  CHECK(total.errors() == 2);
  CHECK(total.status_counts.at(200) == 3);
  CHECK(total.status_counts.at(404) == 1);
  CHECK(total.latency_ns.count() == 4);  // a transport error has no latency

  Report r;
  r.config.workload = WorkloadKind::kMixed;
  r.stats = a;
  r.elapsed_s = 2.0;
  const auto j = ToJson(r);
  CHECK(j["requests"] == 5);
  CHECK(j["ok"] == 3);
  CHECK(j["errors"] == 2);
  CHECK(j["transport_errors"] == 1);
  CHECK(j["status"]["404"] == 1);
  CHECK(j["throughput_rps"].get<double>() == doctest::Approx(2.5));
  CHECK(j["ops"]["get"]["requests"] == 3);
  CHECK(j["ops"]["put"]["requests"] == 2);
  CHECK(j["latency_us"]["max"].get<double>() == doctest::Approx(4.0));
  const std::string text = ToText(r);
  CHECK(text.find("get") != std::string::npos);
  CHECK(text.find("404:1") != std::string::npos);
  CHECK(text.find("transport:1") != std::string::npos);
}

}  // namespace myetcd::bench
