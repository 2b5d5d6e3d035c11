# A small image of swarmproof built from local files only: no base image is pulled. The build
# context is staged by scripts/docker-context.sh (the binary built on the host, the shared
# libraries it loads and the dynamic loader, under rootfs/); scripts/docker-build.sh does both.
#
#   scripts/docker-build.sh swarmproof:latest
#   docker run --rm -v "$PWD:/src:ro" swarmproof:latest check models/ha-web
FROM scratch
COPY rootfs/ /
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/swarmproof"]
CMD ["--help"]
