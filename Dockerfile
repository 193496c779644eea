# SandboxControl server image. Multi-stage: the SDK builds, a slim ASP.NET runtime runs.
# Runs as a non-root user (uid/gid 1654) with a read-only root filesystem: everything it writes goes to
# /data (SQLite store, audit log); certificates and keys are mounted read-only under /etc/sandboxcontrol.
# sandboxctl is included for the exec health probe (see deploy/README.md): Kubernetes' own gRPC probe
# cannot present the client certificate every call here needs.
# Base images: the defaults are local names pinned to .NET 10; point them at your registry's .NET 10 SDK and
# ASP.NET Core runtime images (a tag or, better, a digest), or tag those images with these names once:
#   docker build --build-arg SDK_IMAGE=<registry>/dotnet/sdk:10.0 --build-arg RUNTIME_IMAGE=<registry>/dotnet/aspnet:10.0 -t sandboxcontrol:0.1.0 .
ARG SDK_IMAGE=dotnet/sdk:10.0
ARG RUNTIME_IMAGE=dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY protos/ protos/
COPY src/SandboxControl.Pki/ src/SandboxControl.Pki/
COPY src/SandboxControl.Server/ src/SandboxControl.Server/
COPY src/SandboxControl.Cli/ src/SandboxControl.Cli/
RUN dotnet publish src/SandboxControl.Server -c Release -o /app --no-self-contained \
 && dotnet publish src/SandboxControl.Cli -c Release -o /app/sandboxctl --no-self-contained

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
# The .NET runtime images' built-in non-root user; its primary group is the same id, so a Secret
# volume with fsGroup 1654 (mode 0440, group 1654) is readable by this process and nobody else.
USER 1654:1654
ENV ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    Server__ListenAddress=0.0.0.0 \
    Server__Port=7443 \
    Tls__ServerCertificatePath=/etc/sandboxcontrol/tls/tls.crt \
    Tls__ServerKeyPath=/etc/sandboxcontrol/tls/tls.key \
    Tls__ClientCaPath=/etc/sandboxcontrol/client-ca/ca.crt \
    Secrets__KeyPath=/etc/sandboxcontrol/secrets/secrets.key \
    Storage__SqlitePath=/data/sandboxcontrol.db \
    Audit__Path=/data/audit.log
VOLUME ["/data"]
EXPOSE 7443
ENTRYPOINT ["dotnet", "SandboxControl.Server.dll"]
