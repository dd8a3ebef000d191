using Crm.Domain.Common;

namespace Crm.Storage.Records;

/// <summary>
/// Azure Table Storage limits, enforced here because Azurite accepts more than Azure does
/// (ARCHITECTURE.md "Storage design").
/// </summary>
internal static class TableLimits
{
    public const int MaxTransactionEntities = 100;
    public const long MaxTransactionBytes = 4L * 1024 * 1024;
    public const int MaxQueryPage = 1000;

    /// <summary>Record JSON is kept in one string property (ADR 0002); larger content belongs in Blob Storage.</summary>
    public const int MaxRecordJsonChars = 30_000;

    public static void EnsureRecordFits(string recordType, string json)
    {
        if (json.Length > MaxRecordJsonChars)
        {
            throw new PayloadTooLargeException("record.too_large",
                $"The {recordType} is {json.Length:N0} characters as JSON; at most {MaxRecordJsonChars:N0} fit in one record. Store long text as an attachment.");
        }
    }

    /// <summary>Strings are UTF-16 on the wire; count two bytes a character plus per-entity overhead.</summary>
    public static long EstimateBytes(IEnumerable<Azure.Data.Tables.ITableEntity> entities) =>
        entities.Sum(e => 1024L + (e is Azure.Data.Tables.TableEntity t
            ? t.Sum(p => (p.Key.Length * 2L) + (p.Value is string s ? s.Length * 2L : 16))
            : 0));
}
