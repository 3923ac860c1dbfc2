# Cluster DNS: the CoreDNS binary built by cluster/build.sh from github.com/coredns/coredns.
FROM scratch
COPY coredns /coredns
EXPOSE 53 53/udp
ENTRYPOINT ["/coredns"]
