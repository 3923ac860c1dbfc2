# The pod sandbox image (containerd's sandbox_image): cluster/go/node/cmd/pause, static, alone.
FROM scratch
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
