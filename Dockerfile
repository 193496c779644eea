# SandboxControl server image. Multi-stage: the SDK builds, a slim ASP.NET runtime runs.
# Runs as a non-root user with a read-only root filesystem: everything it writes goes to /data
# (SQLite store, audit log), and certificates/keys are mounted read-only under /etc/sandboxcontrol.
# Not built in CI (no container engine there); kept small and checked by reading.
# Base images come from your registry:
#   docker build --build-arg SDK_IMAGE=<.NET 10 SDK image> --build-arg RUNTIME_IMAGE=<ASP.NET Core 10 runtime image> .
ARG SDK_IMAGE
ARG RUNTIME_IMAGE

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY protos/ protos/
COPY src/SandboxControl.Pki/ src/SandboxControl.Pki/
COPY src/SandboxControl.Server/ src/SandboxControl.Server/
RUN dotnet publish src/SandboxControl.Server -c Release -o /app --no-self-contained

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
# The .NET runtime images' built-in non-root user.
USER 1654
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
