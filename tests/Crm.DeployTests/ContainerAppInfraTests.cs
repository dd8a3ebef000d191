using System.Text.Json.Nodes;
using Crm.DeployTests.Infrastructure;
using Crm.Functions.Hosting;

namespace Crm.DeployTests;

/// <summary>The api container app: scales to zero, wakes for requests and queued work, signs in with its identity only.</summary>
[Collection(BicepCollection.Name)]
public sealed class ContainerAppInfraTests(Bicep bicep)
{
    private const string IdentityId = "[parameters('identityId')]";

    private ArmModule ApiModule => bicep.Main.Module("api");

    private JsonObject App => ApiModule.Template.Resource("Microsoft.App/containerApps");

    private JsonNode Template => App["properties"]!["template"]!;

    private JsonNode Configuration => App["properties"]!["configuration"]!;

    [Fact]
    public void AzdFindsTheAppByItsServiceTag()
    {
        Assert.Contains("'azd-service-name', 'api'", (string)App["tags"]!, StringComparison.Ordinal);
        Assert.Equal("[reference('identity').outputs.id.value]", ApiModule.Param("identityId"));
        Assert.Equal("UserAssigned", (string?)App["identity"]!["type"]);
    }

    [Fact]
    public void ScalesToZeroAndOutToAConfigurableMaximum()
    {
        var scale = Template["scale"]!;
        Assert.Equal(0, (int)scale["minReplicas"]!);
        Assert.Equal("[parameters('maxReplicas')]", (string?)scale["maxReplicas"]);
        Assert.Equal("[parameters('apiMaxReplicas')]", ApiModule.Param("maxReplicas"));
        Assert.Equal("http", (string?)ApiModule.Template.Variables["httpRule"]!["name"]);
        Assert.NotNull(ApiModule.Template.Variables["httpRule"]!["http"]);
    }

    [Fact]
    public void EveryListedQueueHasAnAzureQueueRuleWithTheManagedIdentity()
    {
        Assert.Equal("[concat(createArray(variables('httpRule')), variables('queueRules'), variables('taskHubRules'))]", (string?)Template["scale"]!["rules"]);
        var queueRules = Assert.Single(ApiModule.Template.Variables["copy"]!.AsArray(), c => (string?)c!["name"] == "queueRules")!;
        Assert.Equal("[length(parameters('workQueues'))]", (string?)queueRules["count"]);
        var rule = queueRules["input"]!["custom"]!;
        Assert.Equal("azure-queue", (string?)rule["type"]);
        Assert.Equal(IdentityId, (string?)rule["identity"]);
        Assert.Null(rule["auth"]);
        Assert.Equal("[parameters('storageAccountName')]", (string?)rule["metadata"]!["accountName"]);
        Assert.Equal("[parameters('workQueues')[copyIndex('queueRules')]]", (string?)rule["metadata"]!["queueName"]);
        Assert.Equal("[parameters('workQueues')]", ApiModule.Param("workQueues"));
    }

    [Fact]
    public void EveryQueueTheAppListensOnWakesItFromZero()
    {
        var listed = bicep.Main.Default("workQueues")!.AsArray().Select(q => (string)q!).ToList();
        Assert.NotEmpty(AppRegistrations.ListenedQueues);
        foreach (var queue in AppRegistrations.ListenedQueues)
        {
            Assert.Contains(queue, listed);
        }
    }

    [Fact]
    public void EveryTaskHubQueueWakesTheAppWhenAMessageIsVisible()
    {
        var rules = Assert.Single(ApiModule.Template.Variables["copy"]!.AsArray(), c => (string?)c!["name"] == "taskHubRules")!;
        Assert.Equal("[length(parameters('taskHubQueues'))]", (string?)rules["count"]);
        var rule = rules["input"]!["custom"]!;
        Assert.Equal("azure-queue", (string?)rule["type"]);
        Assert.Equal(IdentityId, (string?)rule["identity"]);
        Assert.Equal("[parameters('taskHubQueues')[copyIndex('taskHubRules')]]", (string?)rule["metadata"]!["queueName"]);
        // A pending durable timer is a hidden message: counting it would keep a replica awake until it is due.
        Assert.Equal("visibleonly", (string?)rule["metadata"]!["queueLengthStrategy"]);
        Assert.Equal("[parameters('taskHubQueues')]", ApiModule.Param("taskHubQueues"));
    }

    [Fact]
    public void TheTaskHubQueuesAreTheOnesTheAppsBackendUses()
    {
        // Azure runs without a storage prefix and with the default hub name and partition count.
        var listed = bicep.Main.Default("taskHubQueues")!.AsArray().Select(q => (string)q!).ToList();
        Assert.Equal(new Crm.Orchestrations.OrchestrationOptions().QueueNames(storagePrefix: ""), listed);
    }

    [Fact]
    public void SecretsComeFromKeyVaultThroughTheIdentity()
    {
        var secrets = Assert.Single(Configuration["copy"]!.AsArray(), c => (string?)c!["name"] == "secrets")!["input"]!;
        Assert.Equal(IdentityId, (string?)secrets["identity"]);
        Assert.StartsWith("[format('{0}secrets/{1}', parameters('keyVaultUri')", (string?)secrets["keyVaultUrl"], StringComparison.Ordinal);
        Assert.Null(secrets["value"]);
        Assert.Null(Configuration["secrets"]);
    }

    [Fact]
    public void PullsFromTheRegistryWithTheIdentity()
    {
        var registry = Assert.Single(Configuration["registries"]!.AsArray())!;
        Assert.Equal(IdentityId, (string?)registry["identity"]);
        Assert.Null(registry["passwordSecretRef"]);
        Assert.Equal("[reference('registry').outputs.loginServer.value]", ApiModule.Param("registryServer"));
    }

    [Fact]
    public void ProbesUseTheHealthEndpoints()
    {
        var probes = Template["containers"]![0]!["probes"]!.AsArray();
        Assert.Equal("/healthz", Probe(probes, "Liveness"));
        Assert.Equal("/readyz", Probe(probes, "Readiness"));
        Assert.Equal("/healthz", Probe(probes, "Startup"));
        // /readyz gives storage 5 s; the probe must wait longer than that for its answer.
        Assert.True((int)probes.Single(p => (string?)p!["type"] == "Readiness")!["timeoutSeconds"]! > 5);
        Assert.Equal("[parameters('targetPort')]", (string?)Configuration["ingress"]!["targetPort"]);
        Assert.Equal(8080, (int)ApiModule.Template.Default("targetPort")!);
    }

    [Fact]
    public void ProbeSettingsAreWithinContainerAppsLimits()
    {
        foreach (var probe in Template["containers"]![0]!["probes"]!.AsArray())
        {
            var type = (string?)probe!["type"];
            AssertBetween(type, "failureThreshold", probe["failureThreshold"], 1, 10);
            AssertBetween(type, "periodSeconds", probe["periodSeconds"], 1, 240);
            AssertBetween(type, "timeoutSeconds", probe["timeoutSeconds"], 1, 240);
            AssertBetween(type, "initialDelaySeconds", probe["initialDelaySeconds"], 1, 60);
        }
    }

    [Fact]
    public void ReplicasGetTimeToFinishOrReleaseTheirMessagesBeforeBeingKilled()
    {
        var grace = (int)ApiModule.Template.Default("terminationGracePeriodSeconds")!;
        Assert.Equal("[parameters('terminationGracePeriodSeconds')]", (string?)Template["terminationGracePeriodSeconds"]);
        // The app waits ShutdownTimeout for handlers, then gives cancelled ones 5 s to hand their messages back.
        Assert.True(grace > AzureHosting.ShutdownTimeout.TotalSeconds + 5, $"grace period {grace} s");
    }

    [Fact]
    public void AppSettingsPointAtStorageByUriWithTheManagedIdentity()
    {
        var env = ApiModule.Param("env");
        Assert.Contains("'AZURE_CLIENT_ID', 'value', reference('identity').outputs.clientId.value", env, StringComparison.Ordinal);
        Assert.Contains("'Storage__TableServiceUri', 'value', reference('storage').outputs.tableEndpoint.value", env, StringComparison.Ordinal);
        Assert.Contains("'Storage__QueueServiceUri', 'value', reference('storage').outputs.queueEndpoint.value", env, StringComparison.Ordinal);
        Assert.Contains("'Storage__BlobServiceUri', 'value', reference('storage').outputs.blobEndpoint.value", env, StringComparison.Ordinal);
        Assert.Contains("'APPLICATIONINSIGHTS_CONNECTION_STRING'", env, StringComparison.Ordinal);
        Assert.Contains("'Triggers__Timers__Enabled', 'value', 'false'", env, StringComparison.Ordinal);
        Assert.Contains("'secretRef', lambdaVariables('s').secret", env, StringComparison.Ordinal);
        Assert.Equal("[variables('secretNames')]", ApiModule.Param("secretNames"));
    }

    [Fact]
    public void SigningAndPlatformKeysAreAlwaysReferenced()
    {
        var settings = bicep.Main.Variables["secretSettings"]!.AsArray();
        Assert.Equal("Auth__SigningKey", (string?)settings.Single(s => (string?)s!["secret"] == "jwt-signing-key")!["setting"]);
        Assert.Equal("CRM_PLATFORM_KEY", (string?)settings.Single(s => (string?)s!["secret"] == "crm-platform-key")!["setting"]);
        // A generated signing key is long enough for Auth:SigningKey's 32 characters: a GUID seed is appended to a short one.
        Assert.Contains("parameters('jwtSigningKeySeed')", (string?)settings.Single(s => (string?)s!["secret"] == "jwt-signing-key")!["value"], StringComparison.Ordinal);
        Assert.Equal("[newGuid()]", (string?)bicep.Main.Default("jwtSigningKeySeed"));
    }

    private static void AssertBetween(string? probe, string setting, JsonNode? value, int min, int max)
    {
        if (value is not null)
        {
            Assert.True((int)value >= min && (int)value <= max, $"{probe} probe: {setting} {value} is outside {min}..{max}");
        }
    }

    private static string? Probe(JsonArray probes, string type) =>
        (string?)Assert.Single(probes, p => (string?)p!["type"] == type)!["httpGet"]!["path"];
}
