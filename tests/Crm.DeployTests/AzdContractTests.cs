using Crm.DeployTests.Infrastructure;

namespace Crm.DeployTests;

/// <summary>What azd expects of azure.yaml and of infra/main.bicep.</summary>
[Collection(BicepCollection.Name)]
public sealed class AzdContractTests(Bicep bicep)
{
    [Fact]
    public async Task AzureYamlIsValidAgainstTheAzdSchema()
    {
        var schema = Path.GetFullPath(Path.Combine(Repo.Root, "..", "shared", "schemas", "azure.yaml.schema.json"));
        Assert.True(File.Exists(schema), $"The azd schema is missing: {schema}");
        Assert.True(Directory.Exists(Repo.PathOf("node_modules", "ajv")), "node_modules/ajv is missing: run 'npm ci' (scripts/test.sh does)");
        var result = await Repo.RunAsync("node", ["scripts/validate-azure-yaml.mjs", "azure.yaml", schema]);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task TheSchemaCheckRejectsAnInvalidAzureYaml()
    {
        var schema = Path.GetFullPath(Path.Combine(Repo.Root, "..", "shared", "schemas", "azure.yaml.schema.json"));
        var invalid = Path.Combine(Path.GetTempPath(), $"azure-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(invalid, Repo.Read("azure.yaml").Replace("remoteBuild: true", "remoteBuild: yes please", StringComparison.Ordinal));
        try
        {
            var result = await Repo.RunAsync("node", ["scripts/validate-azure-yaml.mjs", invalid, schema]);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("remoteBuild", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(invalid);
        }
    }

    [Fact]
    public void AzureYamlBuildsTheServiceRemotelyForContainerApps()
    {
        var yaml = Repo.Read("azure.yaml");
        Assert.Contains("project: ./functions/Crm.Functions", yaml, StringComparison.Ordinal);
        Assert.Contains("language: csharp", yaml, StringComparison.Ordinal);
        Assert.Contains("host: containerapp", yaml, StringComparison.Ordinal);
        Assert.Contains("remoteBuild: true", yaml, StringComparison.Ordinal);
        Assert.Contains("path: ../../Dockerfile", yaml, StringComparison.Ordinal);
        Assert.Contains("context: ../..", yaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(Repo.PathOf("functions", "Crm.Functions"), "../../Dockerfile"))));
    }

    [Fact]
    public void MainDeploysAResourceGroupPerEnvironment()
    {
        Assert.Equal("https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", (string?)bicep.Main.Json["$schema"]);
        var group = bicep.Main.Resource("Microsoft.Resources/resourceGroups");
        Assert.Equal("[variables('tags')]", (string?)group["tags"]);
        Assert.Equal("[parameters('environmentName')]", (string?)bicep.Main.Variables["tags"]!["azd-env-name"]);
        Assert.Equal("[toLower(uniqueString(subscription().id, parameters('environmentName'), parameters('location')))]", (string?)bicep.Main.Variables["resourceToken"]);
    }

    [Theory]
    [InlineData("AZURE_CONTAINER_REGISTRY_ENDPOINT")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("AZURE_LOCATION")]
    [InlineData("AZURE_TENANT_ID")]
    [InlineData("AZURE_KEY_VAULT_NAME")]
    [InlineData("AZURE_CONTAINER_APPS_JOB_NAMES")]
    [InlineData("SERVICE_API_URI")]
    [InlineData("SERVICE_API_NAME")]
    public void MainOutputsWhatAzdAndTheHooksRead(string output) =>
        Assert.True(bicep.Main.Outputs.ContainsKey(output), $"main.bicep has no output {output}");

    [Fact]
    public void ReprovisioningKeepsTheDeployedImage()
    {
        var parameters = Repo.Read("infra", "main.parameters.json");
        Assert.Contains("\"${SERVICE_API_RESOURCE_EXISTS=false}\"", parameters, StringComparison.Ordinal);
        Assert.Equal("[parameters('apiExists')]", bicep.Main.Module("currentImage").Param("exists"));
    }

    [Fact]
    public async Task PostdeployHookMovesTheJobsToTheDeployedImage()
    {
        var bin = Directory.CreateTempSubdirectory("crm-hook-");
        try
        {
            var calls = Path.Combine(bin.FullName, "calls.txt");
            var az = Path.Combine(bin.FullName, "az");
            await File.WriteAllTextAsync(az, $"#!/bin/sh\necho \"$@\" >> '{calls}'\n");
            File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var result = await Repo.RunAsync("/bin/sh", ["scripts/azd/sync-job-images.sh"], environment: new Dictionary<string, string?>
            {
                ["PATH"] = bin.FullName,
                ["SERVICE_API_IMAGE_NAME"] = "cr123.azurecr.io/crm/api-dev:azd-deploy-1",
                ["AZURE_CONTAINER_APPS_JOB_NAMES"] = "caj-outbox-sweep caj-recycle-bin-purge",
                ["AZURE_RESOURCE_GROUP"] = "rg-dev",
            });
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Equal(
                [
                    "containerapp job update --name caj-outbox-sweep --resource-group rg-dev --image cr123.azurecr.io/crm/api-dev:azd-deploy-1 --output none",
                    "containerapp job update --name caj-recycle-bin-purge --resource-group rg-dev --image cr123.azurecr.io/crm/api-dev:azd-deploy-1 --output none",
                ],
                await File.ReadAllLinesAsync(calls));
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task PostdeployHookWithoutTheAzureCliSaysHowToCatchUp()
    {
        var empty = Directory.CreateTempSubdirectory("crm-hook-");
        try
        {
            var result = await Repo.RunAsync("/bin/sh", ["scripts/azd/sync-job-images.sh"], environment: new Dictionary<string, string?>
            {
                ["PATH"] = empty.FullName,
                ["SERVICE_API_IMAGE_NAME"] = "cr123.azurecr.io/crm/api-dev:azd-deploy-1",
                ["AZURE_CONTAINER_APPS_JOB_NAMES"] = "caj-outbox-sweep",
                ["AZURE_RESOURCE_GROUP"] = "rg-dev",
            });
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("azd provision", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
