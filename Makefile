# dcmscrub: `make demo` and `make test` are the two set-up commands; each installs what it needs first.
.PHONY: deps build demo test bench clean

deps:
	@bash scripts/deps.sh

build: deps
	swift build --product dcmscrub

demo: build
	.build/debug/dcmscrub demo --into .build/demo

test: deps
	bash scripts/test.sh

bench: deps
	bash bench/run.sh

clean:
	rm -rf .build .build-* Tests/.cache
