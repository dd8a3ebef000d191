using System.Text.Json.Nodes;
using Crm.Commerce.Numbering;
using Crm.Commerce.SalesDocuments;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.Contracts;

/// <summary>
/// A contract's write rules: the links and pricing of a quote, a number by the tenant's rule, edits only while a draft
/// or sent back (rejected), and once active, changes only by an amendment, which keeps what changed, why and by whom.
/// </summary>
internal sealed class ContractService(RecordStore<Contract> store, SalesDocumentParties parties, SalesLinePricer pricer,
    DocumentNumbers numbers, OwnedAccess access, TimeProvider clock)
    : RecordService<Contract, ContractFields>(store, access, clock)
{
    public const string Kind = "contract";

    /// <summary>Fields only the actions (or the engine) set.</summary>
    private static readonly string[] ByAction = ["number", "status", "statusHistory", "totals", "quoteId", "amendments", "approvalId"];

    /// <summary>What an amendment may not touch besides those: the owner changes by a transfer, custom fields stay as signed.</summary>
    private static readonly string[] NotAmended = ["ownerId", "team", "customFields"];

    /// <summary>The fields an amendment records the change of.</summary>
    private static readonly string[] Recorded = ["name", "opportunityId", "signerContactId", "ourSignerId", "signDate", "startDate", "endDate", "priceBookId",
        "lines", "totals", "paymentTerms", "terms", "description"];

    protected override async ValueTask<Contract> CreatingAsync(Caller caller, ContractFields input, Contract contract, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SalesDocumentChecks.EnsureCurrency(input.Currency);
        SalesDocumentRules.CheckDates(input.StartDate, input.EndDate);
        var customer = await parties.CustomerAsync(caller, input.CustomerId, Kind, cancellationToken);
        await parties.EnsureOpportunityAsync(caller, customer.Id, input.OpportunityId, null, Kind, cancellationToken);
        await parties.EnsureContactAsync(caller, customer.Id, "signerContactId", input.SignerContactId, null, Kind, cancellationToken);
        await parties.EnsureUserAsync(caller, "ourSignerId", input.OurSignerId, null, Kind, cancellationToken);
        var (book, currency) = await pricer.OpeningAsync(caller, customer, input.PriceBookId, input.Currency, cancellationToken);
        var lines = await pricer.PriceAsync(caller, input.LineInputs ?? [], [], book, currency, cancellationToken);
        return contract with
        {
            PriceBookId = book?.Id,
            Currency = currency,
            Lines = lines,
            Status = ContractStatus.Draft,
            StatusHistory = [new StatusChange(null, SalesDocumentRules.Camel(ContractStatus.Draft), now, caller.UserId)],
        };
    }

    protected override Task<Contract> StoringAsync(WriteContext write, Contract record, CancellationToken cancellationToken) =>
        numbers.CreateAsync(Store, write, n => n.Contracts, record, (c, number) => c with { Number = number }, cancellationToken);

    protected override void CheckPatch(JsonObject patch)
    {
        if (ByAction.FirstOrDefault(patch.ContainsKey) is { } field)
        {
            throw new ValidationException(field, "The number and totals are computed; the status moves by the contract's actions and its approval; conversion sets quoteId.",
                "contract.field_by_action");
        }
    }

    protected override void EnsureEditable(Contract current)
    {
        if (current.Status == ContractStatus.Active)
        {
            throw new ConflictException("contract.not_editable", "An active contract changes only by an amendment: POST /api/v1/contracts/{id}/amendments {reason, changes}.");
        }
        if (!SalesDocumentRules.IsEditable(current.Status))
        {
            throw new ConflictException("contract.not_editable",
                $"A contract that is {SalesDocumentRules.Camel(current.Status)} is not edited{(current.Status == ContractStatus.PendingApproval ? "; withdraw it first" : "")}.");
        }
    }

    protected override async ValueTask<Contract> UpdatingAsync(Caller caller, Contract current, ContractFields changes, Contract updated, CancellationToken cancellationToken)
    {
        SalesDocumentRules.CheckDates(changes.StartDate, changes.EndDate);
        await parties.EnsureOpportunityAsync(caller, current.CustomerId, changes.OpportunityId, current.OpportunityId, Kind, cancellationToken);
        await parties.EnsureContactAsync(caller, current.CustomerId, "signerContactId", changes.SignerContactId, current.SignerContactId, Kind, cancellationToken);
        await parties.EnsureUserAsync(caller, "ourSignerId", changes.OurSignerId, current.OurSignerId, Kind, cancellationToken);
        var lines = await pricer.RepricedAsync(caller, changes.LineInputs, current.Lines, changes.PriceBookId, current.PriceBookId, current.Currency, cancellationToken);
        return updated with { Currency = current.Currency, Lines = lines };
    }

    /// <summary>
    /// Applies <paramref name="changes"/> (a merge patch, checked like an edit) to an active contract and records the
    /// amendment: each field's value before and after, the reason, who and when. A change that changes nothing is refused.
    /// </summary>
    public Func<Contract, ValueTask<Contract>> Amendment(Caller caller, string reason, JsonObject changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CheckPatch(changes);
        if (NotAmended.FirstOrDefault(changes.ContainsKey) is { } field)
        {
            throw new ValidationException($"changes.{field}", "The owner and team change by a transfer or the team actions, and custom fields stay as approved; not by an amendment.", "contract.field_by_action");
        }
        return async current =>
        {
            if (current.Status != ContractStatus.Active)
            {
                throw new ConflictException("contract.not_active", $"Only an active contract is amended; this one is {SalesDocumentRules.Camel(current.Status)}: edit it instead.");
            }
            var view = MergePatch.Apply(RecordFields.View<ContractFields, Contract>(current), changes);
            RecordFields.EnsureFixed(current, view);
            var amended = (await UpdatingAsync(caller, current, view, RecordFields.Apply(current, view), cancellationToken)).Priced();
            var changed = AmendmentChanges.Of(CrmJson.ToObject(current), CrmJson.ToObject(amended), Recorded);
            if (changed.Count == 0)
            {
                throw new ValidationException("changes", "The amendment changes nothing.", "contract.amendment_empty");
            }
            return amended with { Amendments = [.. current.Amendments, new ContractAmendment(Ids.New(now), now, caller.UserId, reason.Trim(), changed)] };
        };
    }

    public IAsyncEnumerable<Contract> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken) =>
        Store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("customerId", customerId)], Limit = 200 }, cancellationToken);
}
