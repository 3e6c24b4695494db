# The project's front door. Every target installs what it needs first (idempotent).
#   make build            Release build; binaries copied to bin/
#   make run              build, then run the main program (bin/server)
#   make test             README's test command = .ci/run
#   make soak             the long tier (TESTING.md "Budget")
#   make docs             serve the course site on http://127.0.0.1:8000
#   make start EX=s1-01   begin a lab (copies its file to workspace/s1-01/)
#   make check EX=s1-01   build your copy of a lab and run its cases (REPEAT=n)
#   make grade            where every lab stands
#   make verify-labs      every starter fails, every real file passes
#   make bench            component benchmarks (Google Benchmark)
#   make bench-compare    etcd vs calibration server vs ours; writes docs/benchmarks.md tables
#   make format           clang-format every C++ file
SHELL := /bin/bash
.DEFAULT_GOAL := build
.PHONY: deps build run test soak docs start check grade verify-labs bench bench-compare format clean

deps:
	@bash scripts/install-deps.sh

build: deps
	@source scripts/env.sh && dir=$$(scripts/configure.sh release) \
	  && cmake --build "$$dir" --target myetcd_programs \
	  && mkdir -p bin && find "$$dir/bin" -maxdepth 1 -type f -perm -u+x -exec cp -f {} bin/ \; \
	  && ln -sf stage1-server bin/server \
	  && echo "binaries in bin/: $$(ls bin | tr '\n' ' ')"

run: build
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

soak: deps
	@bash scripts/soak.sh

docs: deps
	mkdocs serve --dev-addr 127.0.0.1:8000

start:
	@test -n "$(EX)" || { echo "usage: make start EX=<lab id>"; exit 2; }
	@python3 scripts/lab.py start $(EX)

check: deps
	@test -n "$(EX)" || { echo "usage: make check EX=<lab id> [REPEAT=n]"; exit 2; }
	@source scripts/env.sh && python3 scripts/lab.py check $(EX) --repeat $(or $(REPEAT),1)

grade: deps
	@source scripts/env.sh && python3 scripts/lab.py grade

verify-labs: deps
	@source scripts/env.sh && dir=$$(scripts/configure.sh test) && python3 scripts/lab.py verify "$$dir"

bench: deps
	@bash scripts/bench.sh

bench-compare: deps
	@bash scripts/bench-compare.sh

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build bin
