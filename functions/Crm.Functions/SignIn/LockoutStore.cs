using Azure;
using Azure.Data.Tables;
using Crm.Domain.Organisation;
using Crm.Domain.Tenants;
using Crm.Storage;

namespace Crm.Functions.SignIn;

/// <summary>
/// Failed sign-ins per user: one row (tenant partition, user id), changed only with its ETag, so
/// failures arriving together are each counted instead of overwriting one another.
/// </summary>
internal sealed class LockoutStore(TableServiceClient service, StorageOptions storage)
{
    private const int MaxRetries = 16;

    public TableClient Table { get; } = service.GetTableClient(storage.Table("signinlockouts"));

    public async Task<SignInLockout> FindAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, userId, cancellationToken: cancellationToken);
        return row.HasValue ? Parse(row.Value!) : SignInLockout.None;
    }

    /// <summary>Counts one failure; answers the state after it (locked once the threshold is reached).</summary>
    public async Task<SignInLockout> RecordFailureAsync(string tenantId, string userId, DateTimeOffset now, SecuritySettings settings, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, userId, cancellationToken: cancellationToken);
            var before = row.HasValue ? Parse(row.Value!) : SignInLockout.None;
            var after = before.AfterFailure(now, settings);
            var entity = new TableEntity(tenantId, userId)
            {
                ["Failures"] = after.Failures,
                ["WindowStart"] = after.WindowStart,
                ["LockedUntil"] = after.LockedUntil,
            };
            try
            {
                if (row.HasValue)
                {
                    await Table.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await Table.AddEntityAsync(entity, cancellationToken);
                }
                return after;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxRetries)
            {
                // Another failure of the same user landed first: count this one on top of it.
            }
        }
    }

    /// <summary>Forgets the failures and ends a lockout (a successful sign-in, or an administrator's unlock).</summary>
    public async Task ClearAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(tenantId, userId, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing to forget.
        }
    }

    private static SignInLockout Parse(TableEntity row) =>
        new(row.GetInt32("Failures") ?? 0, row.GetDateTimeOffset("WindowStart"), row.GetDateTimeOffset("LockedUntil"));
}
