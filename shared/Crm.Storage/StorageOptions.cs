namespace Crm.Storage;

/// <summary>
/// Where the CRM's storage lives. Locally and in tests a connection string (Azurite); in Azure the
/// account URIs with <c>DefaultAzureCredential</c> (no account keys). The prefix lets every test
/// class own uniquely named tables, queues and containers in one shared Azurite.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }
    public Uri? TableServiceUri { get; set; }
    public Uri? QueueServiceUri { get; set; }
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Prepended to every table, queue and container name (letters and digits only).</summary>
    public string Prefix { get; set; } = "";

    /// <summary>The URI settings still needed when there is no connection string.</summary>
    public IReadOnlyList<string> MissingSettings()
    {
        if (ConnectionString is { Length: > 0 })
        {
            return [];
        }
        var missing = new List<string>();
        if (TableServiceUri is null)
        {
            missing.Add(nameof(TableServiceUri));
        }
        if (QueueServiceUri is null)
        {
            missing.Add(nameof(QueueServiceUri));
        }
        if (BlobServiceUri is null)
        {
            missing.Add(nameof(BlobServiceUri));
        }
        return missing;
    }

    public string Table(string name) => Prefix + name;

    public string Queue(string name) => (Prefix + name).ToLowerInvariant();

    public string Container(string name) => (Prefix + name).ToLowerInvariant();
}
