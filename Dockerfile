# The CRM service image: published with the .NET SDK, run on the ASP.NET Core runtime as a non-root user.
# Build context: the repository root (azure.yaml sets it), e.g. `docker build -f Dockerfile .`

# The CJK font printable documents embed (Noto Sans SC, ADR 0006): package.json's one runtime dependency, installed
# from the lock file without the dev tools (Azurite) and the bundled Node.js builds.
FROM node:22-bookworm-slim AS fonts
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --loglevel=error

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore from the project files alone first, so this layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY shared/Crm.Domain/Crm.Domain.csproj shared/Crm.Domain/
COPY shared/Crm.Storage/Crm.Storage.csproj shared/Crm.Storage/
COPY shared/Crm.Orchestrations/Crm.Orchestrations.csproj shared/Crm.Orchestrations/
COPY functions/Crm.Platform/Crm.Platform.csproj functions/Crm.Platform/
COPY functions/Crm.Sales/Crm.Sales.csproj functions/Crm.Sales/
COPY functions/Crm.Commerce/Crm.Commerce.csproj functions/Crm.Commerce/
COPY functions/Crm.Collaboration/Crm.Collaboration.csproj functions/Crm.Collaboration/
COPY functions/Crm.Functions/Crm.Functions.csproj functions/Crm.Functions/
RUN dotnet restore functions/Crm.Functions/Crm.Functions.csproj
COPY . .
# Crm.Commerce.csproj copies the font from node_modules into fonts/ of the published app.
COPY --from=fonts /src/node_modules/@expo-google-fonts/noto-sans-sc/ node_modules/@expo-google-fonts/noto-sans-sc/
RUN dotnet publish functions/Crm.Functions/Crm.Functions.csproj -c Release --no-restore -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
# Kestrel listens here; infra/app/api.bicep points ingress and probes at the same port.
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
COPY --from=build /app .
# The non-root user the .NET images provide.
USER $APP_UID
# `run-job <name>` as arguments runs one timer job and exits (Container Apps scheduled jobs).
ENTRYPOINT ["dotnet", "Crm.Functions.dll"]
