using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Domain.Tenants;
using Crm.Storage;

namespace Crm.Platform.SignIn;

/// <summary>
/// Password checks per user: one row (tenant partition, user id), changed only with its ETag. A check is
/// reserved on the row before the password is verified (<see cref="SignInLockout.Reserve"/>), so attempts
/// arriving together cannot all read "not locked" and all be checked: each reservation is a conditional write,
/// and once the threshold-th lands every other attempt reads the lock.
/// </summary>
public sealed class LockoutStore(TableServiceClient service, StorageOptions storage)
{
    /// <summary>
    /// Conflicts one reservation may meet. Each conflict means another reservation (or a success's clear) landed,
    /// and reservations stop at the threshold, so this is only reached if rows are cleared and refilled without end.
    /// </summary>
    private const int ExtraRetries = 32;

    public const string TableName = "signinlockouts";

    public TableClient Table { get; } = service.GetTableClient(storage.Table(TableName));

    public async Task<SignInLockout> FindAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, userId, cancellationToken: cancellationToken);
        return row.HasValue ? Parse(row.Value!) : SignInLockout.None;
    }

    /// <summary>
    /// Counts one password check as a failure before it runs. Answers null when it may run, or the lockout in
    /// force that refuses it (the check must then not run). A right password afterwards calls <see cref="ClearAsync"/>.
    /// </summary>
    public async Task<SignInLockout?> ReserveCheckAsync(string tenantId, string userId, DateTimeOffset now, SecuritySettings settings,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, userId, cancellationToken: cancellationToken);
            var before = row.HasValue ? Parse(row.Value!) : SignInLockout.None;
            if (before.Reserve(now, settings) is not { } after)
            {
                return before;
            }
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
                return null;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Another attempt of the same user reserved first (or a right password cleared the row, 404):
                // reserve on top of what is there now, or find the lock it set.
                if (attempt >= settings.LockoutThreshold + ExtraRetries)
                {
                    // Fail closed: an attempt that cannot be counted is not checked.
                    throw new ConflictException("auth.busy", "Too many sign-ins of this user at once; retry in a moment.");
                }
                await Task.Delay(Random.Shared.Next(1, 10 + attempt), cancellationToken);
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
