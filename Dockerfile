# Build: a static binary. Every asset (FAQ, BPE ranks, configs, web page)
# is embedded, so the image runs offline.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tokenbot ./cmd/tokenbot \
 && mkdir -p /out/data

# Run: no shell, no package manager, a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tokenbot /usr/local/bin/tokenbot
COPY --from=build /src/configs /etc/tokenbot
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV TOKENBOT_DATA_DIR=/data \
    TOKENBOT_ADDR=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
# No shell or curl in the image: the binary checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/tokenbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/tokenbot"]
CMD ["serve"]
