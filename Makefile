# The two set-up commands of the README, and their parts.
PY ?= python3
export PIP_DISABLE_PIP_VERSION_CHECK = 1
# rustup's cargo, where rustup puts it, also when the calling shell did not source its env
export PATH := $(HOME)/.cargo/bin:$(PATH)
# the compiled core's PCRE2 (the prefix regexes' engine) built from the crate's bundled source, the
# same version on every machine, not whichever system library pkg-config may find
export PCRE2_SYS_STATIC = 1

.PHONY: install system-deps stack demo test unit bench clean

system-deps:  ## kcat (a Kafka client we did not write, used by tests); Java, Maven and Rust must be present
	@command -v java >/dev/null || { echo "Java is missing: install a JDK 17+ (Debian: openjdk-17-jdk)"; exit 2; }
	@command -v javac >/dev/null || { echo "javac is missing: install a JDK 17+, not only a JRE (Debian: openjdk-17-jdk-headless)"; exit 2; }
	@command -v mvn >/dev/null || { echo "Maven is missing: install Maven 3.8+ (Debian: maven)"; exit 2; }
	@command -v cargo >/dev/null || { echo "Rust is missing: install it with rustup (cargo builds parsers/native, the parse stage's compiled scanners)"; exit 2; }
	@command -v kcat >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null; \
	  else echo "kcat is missing: sudo apt-get install kcat (its tests are skipped without it)"; fi; }
	@command -v chromium >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null; else echo "chromium is missing: sudo apt-get install chromium chromium-driver fonts-wqy-microhei (the report screenshot test needs it)"; fi; }

install: system-deps
	$(PY) -m pip install -q -e '.[test]'

stack: install  ## the local Kafka and Elasticsearch, unless LOGPIPE_KAFKA and LOGPIPE_ES name others
	@if [ -n "$$LOGPIPE_KAFKA" ] && [ -n "$$LOGPIPE_ES" ]; then echo "using Kafka $$LOGPIPE_KAFKA and Elasticsearch $$LOGPIPE_ES"; \
	else $(PY) -m pipeline.cli stack up; fi

demo: stack  ## the main job on its embedded default: the local stack and the pipeline on samples/
	$(PY) -m pipeline.cli run --config samples/logpipe.toml

test: stack  ## every test, unit and integration, against the real local Kafka and Elasticsearch
	$(PY) -m pytest -q -p no:cacheprovider

unit: install
	$(PY) -m pytest -q -m "not integration"

clean:
	-$(PY) -m pipeline.cli stack down
	rm -rf .logpipe
