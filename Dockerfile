# The wiflint container image: a static (musl) binary on a distroless base, nothing else.
#   docker build -t wiflint .
#   docker run --rm -v "$PWD:/src:ro" wiflint check .
# .github/workflows/release.yml builds and pushes it for each release tag.

FROM rust:1.88-alpine3.21 AS build
# musl-dev for the C runtime the linker needs; Alpine's rust image links statically by default.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /build
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY rules ./rules
COPY docs ./docs
COPY scripts/vault-dump.sh ./scripts/vault-dump.sh
COPY benches ./benches
RUN cargo build --release --locked --bin wiflint \
    && strip target/release/wiflint \
    && ./target/release/wiflint --version

FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="wiflint" \
      org.opencontainers.image.description="Offline linter for Azure Workload Identity Federation" \
      org.opencontainers.image.source="https://github.com/wiflint/wiflint" \
      org.opencontainers.image.licenses="MIT"
COPY --from=build /build/target/release/wiflint /usr/local/bin/wiflint
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/wiflint"]
CMD ["check", "."]
