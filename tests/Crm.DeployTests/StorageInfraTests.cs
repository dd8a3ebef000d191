using Crm.DeployTests.Infrastructure;

namespace Crm.DeployTests;

/// <summary>The storage account holds the CRM's data and lets nobody in with an account key.</summary>
[Collection(BicepCollection.Name)]
public sealed class StorageInfraTests(Bicep bicep)
{
    private ArmTemplate Storage => bicep.Main.Module("storage").Template;

    [Fact]
    public void StorageAccountRefusesSharedKeysAndOldTls()
    {
        var account = Storage.Resource("Microsoft.Storage/storageAccounts")["properties"]!;
        Assert.False((bool)account["allowSharedKeyAccess"]!);
        Assert.True((bool)account["defaultToOAuthAuthentication"]!);
        Assert.Equal("TLS1_2", (string?)account["minimumTlsVersion"]);
        Assert.True((bool)account["supportsHttpsTrafficOnly"]!);
        Assert.False((bool)account["allowBlobPublicAccess"]!);
    }

    [Fact]
    public void NoTemplateReadsAnAccountKeyOrBuildsAConnectionString()
    {
        foreach (var template in bicep.Main.SelfAndModules())
        {
            Assert.DoesNotContain("listKeys(", template.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey=", template.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Storage__ConnectionString", template.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void BlobsHaveSoftDeleteAndVersioning()
    {
        var blobs = Storage.Resource("Microsoft.Storage/storageAccounts/blobServices")["properties"]!;
        Assert.True((bool)blobs["isVersioningEnabled"]!);
        Assert.True((bool)blobs["deleteRetentionPolicy"]!["enabled"]!);
        Assert.True((bool)blobs["containerDeleteRetentionPolicy"]!["enabled"]!);
        Assert.True((int)Storage.Default("blobSoftDeleteDays")! >= 7);
    }

    [Fact]
    public void EveryWorkQueueIsCreatedWithItsPoisonQueue()
    {
        Assert.Single(Storage.ResourcesOf("Microsoft.Storage/storageAccounts/queueServices/queues"));
        var queues = bicep.Main.Module("storage").Param("queues");
        Assert.Contains("map(parameters('workQueues')", queues, StringComparison.Ordinal);
        Assert.Contains("format('{0}-poison'", queues, StringComparison.Ordinal);
        // The task hub's queues exist before the app first starts, so their scale rules have something to watch.
        Assert.Contains("parameters('taskHubQueues')", queues, StringComparison.Ordinal);
    }
}
