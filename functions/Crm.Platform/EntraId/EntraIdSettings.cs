using System.ComponentModel.DataAnnotations;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Storage;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.EntraId;

/// <summary>A tenant's Microsoft Entra ID sign-in: which directory's tokens it accepts, for which audience.</summary>
public sealed record EntraIdSettings
{
    [Required]
    public bool? Enabled { get; init; }

    /// <summary>The directory (tenant) id, a GUID: tokens must come from <c>{instance}/{directoryTenantId}/v2.0</c>.</summary>
    [StringLength(36)]
    public string? DirectoryTenantId { get; init; }

    /// <summary>The application (client) id URI or GUID the tokens are issued for (<c>aud</c>).</summary>
    [StringLength(200)]
    public string? Audience { get; init; }

    public static EntraIdSettings Off { get; } = new() { Enabled = false };
}

/// <summary>The directory a token names (<c>tid</c>) and the CRM tenant that trusts it.</summary>
public sealed record EntraIdLink(string TenantId, bool Enabled, string Audience);

/// <summary>
/// Where the settings live: one small table, a row per CRM tenant and a row per directory naming the
/// CRM tenant that trusts it, written together so one directory is never claimed by two tenants and a
/// token finds its tenant with one point read. No cache: switching Entra ID off applies at once.
/// </summary>
public sealed class EntraIdDirectory(TableServiceClient service, StorageOptions options)
{
    private const string Partition = "entra";
    public const string TableName = "entraid";

    private readonly TableClient _table = service.GetTableClient(options.Table(TableName));

    public TableClient Table => _table;

    public async Task<EntraIdSettings> GetAsync(string tenantId, CancellationToken cancellationToken) =>
        await ReadAsync(TenantRow(tenantId), cancellationToken) is { } row ? CrmJson.Deserialize<EntraIdSettings>(row.GetString("D")) : EntraIdSettings.Off;

    public async Task<EntraIdLink?> FindByDirectoryAsync(string directoryTenantId, CancellationToken cancellationToken) =>
        Guid.TryParse(directoryTenantId, out _) && await ReadAsync(DirectoryRow(directoryTenantId), cancellationToken) is { } row
            ? new EntraIdLink(row.GetString("TenantId"), row.GetBoolean("Enabled") == true, row.GetString("Audience"))
            : null;

    public async Task<EntraIdSettings> SaveAsync(string tenantId, EntraIdSettings input, CancellationToken cancellationToken)
    {
        var settings = Normalize(input);
        var current = await ReadAsync(TenantRow(tenantId), cancellationToken);
        var old = current is null ? EntraIdSettings.Off : CrmJson.Deserialize<EntraIdSettings>(current.GetString("D"));
        var tenantRow = new TableEntity(Partition, TenantRow(tenantId)) { ["D"] = CrmJson.Serialize(settings) };
        var actions = new List<TableTransactionAction>
        {
            current is null ? new(TableTransactionActionType.Add, tenantRow) : new(TableTransactionActionType.UpdateReplace, tenantRow, current.ETag),
        };
        if (old.DirectoryTenantId is { } oldDirectory && !string.Equals(oldDirectory, settings.DirectoryTenantId, StringComparison.Ordinal))
        {
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(Partition, DirectoryRow(oldDirectory)), ETag.All));
        }
        if (settings.DirectoryTenantId is { } directory)
        {
            var claimed = await ReadAsync(DirectoryRow(directory), cancellationToken);
            if (claimed is not null && claimed.GetString("TenantId") != tenantId)
            {
                throw new ConflictException("entraId.directory_in_use", "Another tenant already signs in with this Entra ID directory.");
            }
            var link = new TableEntity(Partition, DirectoryRow(directory)) { ["TenantId"] = tenantId, ["Enabled"] = settings.Enabled == true, ["Audience"] = settings.Audience ?? "" };
            actions.Add(claimed is null ? new(TableTransactionActionType.Add, link) : new(TableTransactionActionType.UpdateReplace, link, claimed.ETag));
        }
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            throw new ConflictException("entraId.concurrent_change", "The Entra ID settings changed at the same time; read them again and retry.");
        }
        return settings;
    }

    private static EntraIdSettings Normalize(EntraIdSettings input)
    {
        var directory = input.DirectoryTenantId?.Trim();
        var audience = input.Audience?.Trim();
        if (directory is { Length: > 0 } && !Guid.TryParse(directory, out _))
        {
            throw new ValidationException("directoryTenantId", "Give the directory (tenant) id, a GUID.");
        }
        if (input.Enabled == true && (directory is not { Length: > 0 } || audience is not { Length: > 0 }))
        {
            throw new ValidationException(new Dictionary<string, string[]>
            {
                [directory is { Length: > 0 } ? "audience" : "directoryTenantId"] = ["Required when Entra ID sign-in is enabled."],
            });
        }
        return new EntraIdSettings
        {
            Enabled = input.Enabled,
            DirectoryTenantId = directory is { Length: > 0 } ? Guid.Parse(directory).ToString("D") : null,
            Audience = audience is { Length: > 0 } ? audience : null,
        };
    }

    private async Task<TableEntity?> ReadAsync(string rowKey, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, rowKey, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private static string TenantRow(string tenantId) => "tenant~" + tenantId;

    private static string DirectoryRow(string directoryTenantId) => "dir~" + Guid.Parse(directoryTenantId).ToString("D");
}
