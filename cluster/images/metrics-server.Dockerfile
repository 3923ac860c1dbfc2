# minikube's metrics-server addon: the binary built by cluster/build.sh from sigs.k8s.io/metrics-server.
FROM scratch
COPY metrics-server /metrics-server
USER 65534:65534
ENTRYPOINT ["/metrics-server"]
