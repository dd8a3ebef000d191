using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Commerce;
using Crm.Storage.Records;

namespace Crm.Commerce.Invoices;

/// <summary>
/// Each contract's invoiced total (requested and issued invoices), one row <c>t~{contractId}</c> in the tenant's partition of the
/// invoices table. It moves in the same entity-group transaction as the invoice that changes it, under the row's ETag, so two
/// requests at once cannot both take the last of a contract's total: the second one's transaction fails and it reads again.
/// </summary>
public sealed class InvoicedTotals(RecordStore<Invoice> invoices)
{
    private const string Property = "Invoiced";

    /// <summary>A running total as read: the amount and the ETag a change to it must match (none before the first invoice).</summary>
    public readonly record struct Versioned(decimal Invoiced, ETag? ETag);

    public async Task<Versioned> ReadAsync(string tenantId, string contractId, CancellationToken cancellationToken)
    {
        var row = await invoices.Table.GetEntityIfExistsAsync<TableEntity>(tenantId, Key(contractId), cancellationToken: cancellationToken);
        return row.HasValue ? new(decimal.Parse(row.Value!.GetString(Property), CultureInfo.InvariantCulture), row.Value.ETag) : new(0, null);
    }

    /// <summary>The write that moves the total from <paramref name="read"/> to <paramref name="invoiced"/>, for the invoice's own transaction.</summary>
    public static TableTransactionAction Move(string tenantId, string contractId, Versioned read, decimal invoiced)
    {
        var row = new TableEntity(tenantId, Key(contractId)) { [Property] = invoiced.ToString(CultureInfo.InvariantCulture) };
        return read.ETag is { } etag ? new(TableTransactionActionType.UpdateReplace, row, etag) : new(TableTransactionActionType.Add, row);
    }

    private static string Key(string contractId) => "t~" + contractId;
}
