using Azure.Data.Tables;
using Crm.Domain.Organisation;
using Crm.Platform.Auth;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Users;

/// <summary>
/// A user's password hash, kept in a row beside the user record (never in it, so no list, event or
/// audit entry can carry it) and written in the same transaction as the record change.
/// </summary>
public sealed class Credentials(RecordStore<User> users, IOptions<AuthOptions> auth)
{
    private readonly PasswordHasher<User> _hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = auth.Value.PasswordHashIterations }));

    public static string RowKey(string userId) => "c~" + userId;

    public TableTransactionAction Write(string tenantId, User user, string password) =>
        new(TableTransactionActionType.UpsertReplace, new TableEntity(tenantId, RowKey(user.Id)) { ["PasswordHash"] = _hasher.HashPassword(user, password) });

    public async Task<bool> VerifyAsync(string tenantId, User user, string password, CancellationToken cancellationToken)
    {
        var row = await users.Table.GetEntityIfExistsAsync<TableEntity>(tenantId, RowKey(user.Id), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return false;
        }
        var result = _hasher.VerifyHashedPassword(user, row.Value!.GetString("PasswordHash"), password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.Table.UpsertEntityAsync(new TableEntity(tenantId, RowKey(user.Id)) { ["PasswordHash"] = _hasher.HashPassword(user, password) },
                TableUpdateMode.Replace, cancellationToken);
        }
        return result != PasswordVerificationResult.Failed;
    }
}
