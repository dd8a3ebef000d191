using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Dictionaries;
using Crm.Sales.Pipelines;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Sales.Opportunities;

/// <summary>
/// An opportunity's write rules: it belongs to a customer the writer can see (for good), its contacts are
/// that customer's, it starts in an open stage of its pipeline, and its stage moves only by the actions.
/// </summary>
internal sealed class OpportunityService(RecordStore<Opportunity> store, RecordStore<Customer> customers, RecordStore<Contact> contacts,
    RecordStore<Pipeline> pipelines, PipelineService pipelineService, DictionaryValidator dictionaries, TenantStore tenants, OwnedAccess access, TimeProvider clock)
    : RecordService<Opportunity, CreateOpportunity, OpportunityFields>(store, access, clock), IRestoreGuard
{
    /// <summary>Fields only the stage, won and lost actions change (or nobody: the history).</summary>
    private static readonly string[] ByAction = ["stageKey", "status", "probability", "lossReason", "closedAt", "stageHistory", "productTotal"];

    public string TypeName => "opportunity";

    protected override async ValueTask<Opportunity> CreatingAsync(Caller caller, CreateOpportunity input, Opportunity opportunity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Check(input);
        var customer = await VisibleCustomerAsync(caller, input.CustomerId, cancellationToken);
        var linked = await ContactsAsync(caller, customer.Id, input.Contacts ?? [], [], cancellationToken);
        var (pipeline, stage) = await StartAsync(caller.TenantId, input.PipelineId, input.StageKey, cancellationToken);
        var currency = input.Currency ?? (await tenants.FindAsync(caller.TenantId, cancellationToken))?.Currency ?? "CNY";
        return OpportunityRules.EnterStage(opportunity with { PipelineId = pipeline.Id, Contacts = linked, Currency = currency }, stage, caller.UserId, now);
    }

    /// <summary>The pipeline (the tenant's default when not named) and the open stage a new opportunity starts in (its first when not named).</summary>
    public async Task<(Pipeline Pipeline, PipelineStage Stage)> StartAsync(string tenantId, string? pipelineId, string? stageKey, CancellationToken cancellationToken)
    {
        var pipeline = pipelineId is not null ? await PipelineAsync(tenantId, pipelineId, cancellationToken)
            : await pipelineService.DefaultAsync(tenantId, cancellationToken);
        var stage = stageKey is not null
            ? pipeline.Stage(stageKey) ?? throw new ValidationException("stageKey", $"The pipeline '{pipeline.Name}' has no stage '{stageKey}'.", PipelineRules.UnknownStage)
            : pipeline.FirstOpenStage;
        if (PipelineRules.IsClosed(stage))
        {
            throw new ValidationException("stageKey", "An opportunity starts in an open stage; win or lose it with POST .../won or .../lost.", "opportunity.stage_closed");
        }
        return (pipeline, stage);
    }

    protected override void CheckPatch(JsonObject patch)
    {
        if (ByAction.FirstOrDefault(patch.ContainsKey) is { } field)
        {
            throw new ValidationException(field, "Stage and outcome change by POST /api/v1/opportunities/{id}/stage, /won or /lost; the history and totals are computed.",
                "opportunity.stage_by_action");
        }
    }

    protected override async ValueTask<Opportunity> UpdatingAsync(Caller caller, Opportunity current, OpportunityFields changes, Opportunity updated,
        CancellationToken cancellationToken)
    {
        Check(changes);
        var linked = await ContactsAsync(caller, current.CustomerId, changes.Contacts ?? [], current.Contacts, cancellationToken);
        var pipeline = await PipelineAsync(caller.TenantId, current.PipelineId, cancellationToken);
        updated = updated with { Contacts = linked, Currency = changes.Currency ?? current.Currency };
        return updated with { Probability = OpportunityRules.ProbabilityFor(pipeline, updated) };
    }

    /// <summary>An opportunity comes back only to a live customer and pipeline, so a restore never leaves it dangling.</summary>
    public async Task EnsureCanRestoreAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await Store.FindInBinAsync(caller.TenantId, id, cancellationToken) is not { } opportunity)
        {
            return;
        }
        if (await customers.FindAsync(caller.TenantId, opportunity.CustomerId, cancellationToken) is null)
        {
            throw new ConflictException("opportunity.customer_deleted", $"The opportunity's customer '{opportunity.CustomerId}' is deleted; restore it first.");
        }
        if (await pipelines.FindAsync(caller.TenantId, opportunity.PipelineId, cancellationToken) is null)
        {
            throw new ConflictException("opportunity.pipeline_deleted", $"The opportunity's pipeline '{opportunity.PipelineId}' is deleted; restore it first.");
        }
    }

    /// <summary>The pipeline an opportunity is on; one deleted under it (it cannot be while in use) reads as unknown.</summary>
    public async Task<Pipeline> PipelineAsync(string tenantId, string pipelineId, CancellationToken cancellationToken) =>
        await pipelines.FindAsync(tenantId, pipelineId, cancellationToken)
            ?? throw new ValidationException("pipelineId", $"No pipeline with id '{pipelineId}'.", "opportunity.pipeline_not_found");

    /// <summary>Every live opportunity of a customer, whoever owns it (the transfer cascade moves them all).</summary>
    public IAsyncEnumerable<Opportunity> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken) =>
        Store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("customerId", customerId)], Limit = 200 }, cancellationToken);

    private static void Check(OpportunityFields fields) =>
        OpportunityRules.Check(fields.Amount, fields.Currency, fields.ProbabilityOverride, fields.ProductLines ?? [], fields.Competitors ?? [], fields.Contacts ?? []);

    /// <summary>A customer the caller can see; any other id answers alike, so none is confirmed.</summary>
    private async Task<Customer> VisibleCustomerAsync(Caller caller, string customerId, CancellationToken cancellationToken) =>
        await Access.FindVisibleAsync(caller, customers, customerId, cancellationToken)
            ?? throw new ValidationException("customerId", $"No customer with id '{customerId}'.", "opportunity.customer_not_found");

    /// <summary>
    /// Each contact is one of the customer's; a newly linked one must be a contact the caller can see (one out of
    /// their sight answers as an unknown id), while links already held stay whoever set them. A role is checked
    /// only when it is new for that contact.
    /// </summary>
    private async Task<IReadOnlyList<OpportunityContact>> ContactsAsync(Caller caller, string customerId, IReadOnlyList<OpportunityContact> wanted,
        IReadOnlyList<OpportunityContact> held, CancellationToken cancellationToken)
    {
        var tenantId = caller.TenantId;
        var result = new List<OpportunityContact>();
        for (var i = 0; i < wanted.Count; i++)
        {
            var entry = wanted[i];
            var contact = held.Any(h => h.ContactId == entry.ContactId)
                ? await contacts.FindAsync(tenantId, entry.ContactId, cancellationToken)
                : await Access.FindVisibleAsync(caller, contacts, entry.ContactId, cancellationToken);
            if (contact is null || contact.CustomerId != customerId)
            {
                throw new ValidationException($"contacts[{i}].contactId", "Must be a contact of the opportunity's customer.", "opportunity.contact_invalid");
            }
            var role = TextNormalizer.Trimmed(entry.Role);
            var before = held.FirstOrDefault(h => h.ContactId == entry.ContactId)?.Role;
            await dictionaries.EnsureAsync(tenantId, DataDictionaries.DecisionRole, role, before, $"contacts[{i}].role", cancellationToken);
            result.Add(new OpportunityContact(contact.Id, role));
        }
        return result;
    }
}

/// <summary>A pipeline, or a stage of it, that opportunities (live ones) are on cannot be removed.</summary>
internal sealed class OpportunityPipelineUsage(RecordStore<Opportunity> store) : IPipelineUsage
{
    public Task<bool> IsInUseAsync(string tenantId, string pipelineId, CancellationToken cancellationToken) =>
        store.AnyWithFieldAsync(tenantId, "pipelineId", pipelineId, cancellationToken);

    /// <summary>Stage keys repeat across pipelines, so the stage's index range is filtered by pipeline, page after page.</summary>
    public async Task<bool> IsStageInUseAsync(string tenantId, string pipelineId, string stageKey, CancellationToken cancellationToken) =>
        await store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("stageKey", stageKey), new("pipelineId", pipelineId)], Limit = 1 }, cancellationToken)
            .AnyAsync(cancellationToken);
}
