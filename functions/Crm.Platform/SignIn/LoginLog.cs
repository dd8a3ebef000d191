using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Storage;
using Crm.Storage.Records;

namespace Crm.Platform.SignIn;

/// <summary>
/// Why a sign-in failed, as the login log records it. A string, not an enum: other checks (IP
/// rules, for one) add their own reasons by calling <see cref="LoginLog.RecordAsync"/> with a new value.
/// </summary>
public static class LoginFailureReasons
{
    public const string InvalidCredentials = "invalid_credentials";
    public const string UserDisabled = "user_disabled";
    public const string LockedOut = "locked_out";
    public const string IpBlocked = "ip_blocked";
}

public static class LoginResults
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>One sign-in attempt. <see cref="UserId"/> is null when the login matched no user.</summary>
public sealed record LoginLogEntry(string Id, string? UserId, string Login, DateTimeOffset Time, string? Ip, string? UserAgent, string Result, string? Reason);

public sealed record LoginLogQuery(string? UserId, string? Result, DateTimeOffset? From, DateTimeOffset? To, int Limit, string? Cursor);

/// <summary>
/// Every sign-in attempt against a known tenant: its own table, one partition per tenant, row keys
/// that sort newest first (inverted ticks), so a sign-in costs one extra write and reading the
/// log is a forward range scan.
/// </summary>
public sealed class LoginLog(TableServiceClient service, StorageOptions storage)
{
    public const string TableName = "loginlogs";

    public TableClient Table { get; } = service.GetTableClient(storage.Table(TableName));

    public async Task RecordAsync(string tenantId, string? userId, string login, DateTimeOffset time, HttpContext context, string? reason,
        CancellationToken cancellationToken)
    {
        var id = TimeKey(time) + "-" + Ids.New(time);
        await Table.AddEntityAsync(new TableEntity(tenantId, id)
        {
            ["UserId"] = userId,
            ["Login"] = Truncate(login, 254),
            ["Time"] = time,
            ["Ip"] = context.Connection.RemoteIpAddress?.ToString(),
            ["UserAgent"] = Truncate(context.Request.Headers.UserAgent.ToString(), 512),
            ["Result"] = reason is null ? LoginResults.Succeeded : LoginResults.Failed,
            ["Reason"] = reason,
        }, cancellationToken);
    }

    public async Task<Page<LoginLogEntry>> QueryAsync(string tenantId, LoginLogQuery query, CancellationToken cancellationToken)
    {
        // Newest first: the row key of "to" is the lower bound, the one of "from" the upper.
        var lower = query.To is { } to ? TimeKey(to) : "";
        var upper = query.From is { } from ? TimeKey(from) + "~" : "~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {lower} and RowKey lt {upper}");
        if (query.Cursor is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {DecodeCursor(query.Cursor)}");
        }
        if (query.UserId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"UserId eq {query.UserId}");
        }
        if (query.Result is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Result eq {query.Result}");
        }
        var items = new List<LoginLogEntry>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: query.Limit + 1, cancellationToken: cancellationToken))
        {
            if (items.Count == query.Limit)
            {
                return new Page<LoginLogEntry>(items, EncodeCursor(items[^1].Id));
            }
            items.Add(Parse(row));
        }
        return new Page<LoginLogEntry>(items, null);
    }

    /// <summary>Inverted ticks, fixed width: later times sort first.</summary>
    private static string TimeKey(DateTimeOffset time) =>
        (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static LoginLogEntry Parse(TableEntity row) => new(row.RowKey, row.GetString("UserId"), row.GetString("Login") ?? "",
        row.GetDateTimeOffset("Time") ?? default, row.GetString("Ip"), row.GetString("UserAgent"), row.GetString("Result") ?? "", row.GetString("Reason"));

    private static string EncodeCursor(string rowKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(rowKey));

    private static string DecodeCursor(string cursor)
    {
        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (key.Length > 19 && key[..19].All(char.IsAsciiDigit))
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }
        throw new ValidationException("cursor", "Not a cursor this list gave out.", "cursor.invalid");
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
