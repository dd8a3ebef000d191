using Azure;
using Azure.Data.Tables;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Storage;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Commerce.PaymentPlans;

/// <summary>
/// A contract's payment plan and the approved receipts counted against it: one row per contract in the tenant's partition of
/// the receipts table (row key <c>p~{contractId}</c>) holding the plan, the plan's version (what If-Match names) and every
/// counted receipt with its amount and installment. Living beside the receipts lets a receipt's approval or void and its
/// count move in one entity-group transaction, so a receipt is counted exactly when it is approved, whatever crashes between.
/// Every change is a read and a write under the row's ETag, so counting a receipt and changing the plan never cross: a plan
/// change that would cut an installment below what was received while a receipt is counted against it loses the race, reads
/// again and is refused. What a contract received, owes and has overdue is computed from this row, never by reading receipts.
/// </summary>
public sealed class ContractPayments(RecordStore<Receipt> receipts, TimeProvider clock)
{
    /// <summary>The version of a contract without a plan yet: what a first PUT's If-Match names.</summary>
    public const string NoPlan = "none";

    private const string PlanProperty = "Plan";
    private const string VersionProperty = "PlanVersion";
    private const string ReceiptsProperty = "Receipts";

    private const string KeyPrefix = "p~";

    private TableClient Table => receipts.Table;

    /// <summary>A contract's plan (null before the first), its version and the receipts counted.</summary>
    public sealed record State(PaymentPlan? Plan, string Version, IReadOnlyList<CountedReceipt> Receipts);

    private sealed record Row(State State, ETag? ETag);

    public async Task<State> ReadAsync(string tenantId, string contractId, CancellationToken cancellationToken) =>
        (await ReadRowAsync(tenantId, contractId, cancellationToken)).State;

    /// <summary>
    /// Counts an approved receipt towards the contract (and, when named, one installment). Idempotent per receipt id: a
    /// receipt counted already changes nothing.
    /// </summary>
    public Task CountReceiptAsync(string tenantId, string contractId, string receiptId, string? installmentId, decimal amount, DateOnly date,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(receiptId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        return ChangeAsync(tenantId, contractId, state => Counted(state, new CountedReceipt(receiptId, installmentId, amount, date)), cancellationToken);
    }

    /// <summary>Takes a counted receipt back out; one never counted changes nothing.</summary>
    public Task UncountReceiptAsync(string tenantId, string contractId, string receiptId, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, contractId, state => Uncounted(state, receiptId), cancellationToken);

    /// <summary>
    /// The summary's change for a receipt moving from <paramref name="before"/> to <paramref name="after"/> (approved: counted;
    /// voided: taken out), for the receipt's own transaction; none when its counting does not change. The row's ETag
    /// guards it, so a concurrent change of the summary fails the transaction and the receipt's write reads both again.
    /// </summary>
    public async Task<IReadOnlyList<TableTransactionAction>> CountingAsync(string tenantId, Receipt before, Receipt after, CancellationToken cancellationToken)
    {
        if (before.Counts == after.Counts)
        {
            return [];
        }
        var row = await ReadRowAsync(tenantId, after.ContractId, cancellationToken);
        var next = after.Counts
            ? Counted(row.State, new CountedReceipt(after.Id, after.InstallmentId, after.Amount, after.ReceivedOn))
            : Uncounted(row.State, after.Id);
        return next is null ? [] : [Write(tenantId, after.ContractId, next, row.ETag)];
    }

    private static State? Counted(State state, CountedReceipt receipt) =>
        state.Receipts.Any(r => r.ReceiptId == receipt.ReceiptId) ? null : state with { Receipts = [.. state.Receipts, receipt] };

    private static State? Uncounted(State state, string receiptId) =>
        state.Receipts.Any(r => r.ReceiptId == receiptId) ? state with { Receipts = [.. state.Receipts.Where(r => r.ReceiptId != receiptId)] } : null;

    /// <summary>The installment a receipt names, or 400 <c>paymentPlan.installment_not_found</c> at <paramref name="field"/>.</summary>
    public async Task<Installment> InstallmentAsync(string tenantId, string contractId, string installmentId, CancellationToken cancellationToken,
        string field = "installmentId") =>
        (await ReadAsync(tenantId, contractId, cancellationToken)).Plan?.Installments.FirstOrDefault(i => i.Id == installmentId)
            ?? throw new ValidationException(field, $"The contract's payment plan has no installment '{installmentId}'.", "paymentPlan.installment_not_found");

    /// <summary>
    /// Replaces the contract's plan with <paramref name="installments"/> (ids kept for those sent with one, new ones made
    /// for the rest), checked against the contract and the receipts counted at the moment of the write.
    /// </summary>
    public async Task<State> PutPlanAsync(string tenantId, Contract contract, IReadOnlyList<Installment> installments, string? ifMatch, string by,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var result = default(State);
        await ChangeAsync(tenantId, contract.Id, state =>
        {
            if (ifMatch is not null && ifMatch != state.Version)
            {
                throw new PreconditionFailedException("paymentPlan", contract.Id);
            }
            var before = state.Plan?.Installments ?? [];
            for (var i = 0; i < installments.Count; i++)
            {
                if (installments[i].Id is { Length: > 0 } id && before.All(b => b.Id != id))
                {
                    throw new ValidationException($"installments[{i}].id", "Not an installment of this plan; leave the id out for a new one.", "paymentPlan.installment_not_found");
                }
            }
            var planned = installments.Select(i => i.Id is { Length: > 0 } ? i : i with { Id = Ids.New(now) }).ToList();
            PaymentPlanRules.Check(planned, before, state.Receipts, contract);
            result = state with { Plan = new PaymentPlan(contract.Id, contract.Currency, [.. planned.OrderBy(i => i.Number)], now, by), Version = Ids.New(now) };
            return result;
        }, cancellationToken);
        return result!;
    }

    /// <summary>Every plan of the tenant with its receipts, for the reminder job.</summary>
    public async IAsyncEnumerable<State> PlansAsync(string tenantId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Contract ids sort below '~', so "p~~" ends the summaries' range.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {KeyPrefix} and RowKey lt {KeyPrefix + "~"}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (Parse(row).State is { Plan: not null } state)
            {
                yield return state;
            }
        }
    }

    /// <summary>Read, change, write under the ETag; <paramref name="change"/> answers null when there is nothing to write.</summary>
    private async Task ChangeAsync(string tenantId, string contractId, Func<State, State?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await ReadRowAsync(tenantId, contractId, cancellationToken);
            if (change(row.State) is not { } next)
            {
                return;
            }
            try
            {
                await Table.SubmitTransactionAsync([Write(tenantId, contractId, next, row.ETag)], cancellationToken);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                await Contention.WaitAsync(attempt, "paymentPlan", contractId, cancellationToken);
            }
        }
    }

    /// <summary>The summary as <paramref name="next"/>, replacing the row read (its ETag) or added when there was none.</summary>
    private static TableTransactionAction Write(string tenantId, string contractId, State next, ETag? etag)
    {
        var entity = new TableEntity(tenantId, KeyPrefix + contractId) { [VersionProperty] = next.Version, [PlanProperty] = next.Plan is null ? null : CrmJson.Serialize(next.Plan) };
        var receipts = CrmJson.Serialize(next.Receipts);
        if (!ChunkedText.Fits(receipts))
        {
            throw new ConflictException("paymentPlan.too_many_receipts", "This contract has more receipts than one summary holds.");
        }
        ChunkedText.Write(entity, ReceiptsProperty, receipts);
        return etag is { } version ? new(TableTransactionActionType.UpdateReplace, entity, version) : new(TableTransactionActionType.Add, entity);
    }

    private async Task<Row> ReadRowAsync(string tenantId, string contractId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(tenantId, KeyPrefix + contractId, cancellationToken: cancellationToken);
        return row.HasValue ? Parse(row.Value!) : new Row(new State(null, NoPlan, []), null);
    }

    private static Row Parse(TableEntity row) => new(new State(
        row.GetString(PlanProperty) is { } plan ? CrmJson.Deserialize<PaymentPlan>(plan) : null,
        row.GetString(VersionProperty) ?? NoPlan,
        ChunkedText.Read(row, ReceiptsProperty) is { } receipts ? CrmJson.Deserialize<List<CountedReceipt>>(receipts) : []), row.ETag);
}
