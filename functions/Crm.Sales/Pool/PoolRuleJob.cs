using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Sales.Customers;
using Crm.Platform.Notifications;
using Crm.Platform.Records;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;

namespace Crm.Sales.Pool;

/// <summary>What one run did in one tenant.</summary>
public sealed record PoolRuleRun(int Returned, int Warned);

/// <summary>
/// Applies the pool rules once a day (also <c>run-job pool-rules</c>): due customers go back to the pool
/// (<c>reclaimed</c>, the rule's id on the record), owners of customers due within a rule's warning window
/// are told. Idempotent and crash-safe: a returned customer has no owner, so a rerun skips it, and each
/// warning's dedupe key (customer, rule, due date) lets the notifier deliver it once. The contacts and open
/// opportunities of a returned customer go to the pool with it; for customers pooled in the last
/// <see cref="SettleDays"/> days each run finishes that cascade where a crash (of a run, or of a release
/// nobody repeated) left it half-done, which costs two index reads per such customer and writes nothing otherwise.
/// </summary>
internal sealed class PoolRuleJob(RecordWriter<Customer, CustomerFields, CustomerService> customers, RecordStore<Opportunity> opportunities, CustomerCascade cascade, PoolRuleService rules,
    AccessDirectory directory, TenantStore tenants, IServiceProvider services, TimeProvider clock, ILogger<PoolRuleJob> logger) : ITimerJob
{
    public const string Name = "pool-rules";
    public const string WarningKind = "pool.warning";

    /// <summary>Returns customers, with their contacts and open opportunities, to the pool in every department.</summary>
    public static readonly BackgroundActor Actor = BackgroundActor.Granted(Name, DataScope.All,
        "customers.view", "customers.edit", "contacts.edit", "opportunities.edit");

    /// <summary>A customer changed while being returned is judged again on its fresh state this often.</summary>
    private const int Retries = 3;

    public const int SettleDays = 7;

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            var run = await ApplyAsync(tenant.Id, now, cancellationToken);
            if (run.Returned + run.Warned > 0)
            {
                logger.LogInformation("Pool rules of tenant {Tenant}: {Returned} customers returned, {Warned} owners warned", tenant.Slug, run.Returned, run.Warned);
            }
        }
    }

    public async Task<PoolRuleRun> ApplyAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var all = await rules.AllAsync(tenantId, cancellationToken);
        if (!all.Any(r => r.Enabled))
        {
            return new PoolRuleRun(0, 0);
        }
        // Resolved when needed rather than injected: the host starts (and validates its services) whichever feature delivers notices.
        var notifier = services.GetRequiredService<INotifier>();
        var org = await directory.OrgChartAsync(tenantId, cancellationToken);
        var deals = await DealsAsync(tenantId, cancellationToken);
        int returned = 0, warned = 0;
        // Every customer, page by page in creation order: record keys never move when a customer changes.
        await foreach (var customer in customers.Store.ListAllAsync(tenantId, new ListQuery { Sort = "createdAt", Limit = 200 }, cancellationToken))
        {
            if (customer.OwnerId is null && customer.PooledAt >= now.AddDays(-SettleDays))
            {
                var settle = Actor.Write(tenantId, now).As(customer.PoolRuleId is null ? Activities.Released : Activities.Reclaimed);
                await cascade.ToPoolAsync(settle, customer.Id, cancellationToken);
            }
            if (customer.OwnerId is not { } ownerId || PoolRules.RuleFor(ownerId, org, all) is not { } rule)
            {
                continue;
            }
            var verdict = PoolRules.Judge(customer, rule, deals.GetValueOrDefault(customer.Id, CustomerDeals.None), now);
            if (verdict.Kind == PoolVerdictKind.Return && await ReturnAsync(tenantId, customer, rule, deals, now, cancellationToken))
            {
                returned++;
            }
            else if (verdict.Kind == PoolVerdictKind.Warn)
            {
                await notifier.NotifyAsync(tenantId, Warning(customer, ownerId, verdict), DedupeKey(customer.Id, rule.Id, verdict.DueAt!.Value), cancellationToken);
                warned++;
            }
        }
        return new PoolRuleRun(returned, warned);
    }

    /// <summary>One warning per customer, rule and due date: a rerun, or the next days of the window, send nothing new.</summary>
    public static string DedupeKey(string customerId, string ruleId, DateTimeOffset dueAt) =>
        $"{WarningKind}:{customerId}:{ruleId}:{dueAt.UtcDateTime:yyyy-MM-dd}";

    private static Notice Warning(Customer customer, string ownerId, PoolVerdict verdict) => new(ownerId, WarningKind,
        $"'{customer.Name}' returns to the public pool on {verdict.DueAt!.Value.UtcDateTime:yyyy-MM-dd}",
        verdict.Reason == PoolRules.NoDeal ? "No deal has been won with this customer for a while. A won deal or an open opportunity keeps it yours."
            : "There has been no follow-up with this customer for a while. Record a follow-up to keep it.",
        "customer", customer.Id);

    /// <summary>
    /// The write checks the version judged; a customer changed meanwhile (a follow-up, a lock, a transfer)
    /// is judged again on its fresh state, so the job never undoes what a person just did.
    /// </summary>
    private async Task<bool> ReturnAsync(string tenantId, Customer customer, PoolRule rule, IReadOnlyDictionary<string, CustomerDeals> deals,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var write = Actor.Write(tenantId, now).As(Activities.Reclaimed);
        var caller = Actor.In(tenantId);
        var current = customer;
        for (var attempt = 0; attempt <= Retries; attempt++)
        {
            var verdict = PoolRules.Judge(current, rule, deals.GetValueOrDefault(current.Id, CustomerDeals.None), now);
            if (verdict.Kind != PoolVerdictKind.Return || current.OwnerId != customer.OwnerId)
            {
                return false;
            }
            try
            {
                // Through the record writer: the job's actor is checked like a person would be, on the version judged.
                await customers.ChangeAsync(caller, current.Id, current.Version, Permissions.Actions.Edit, Activities.Reclaimed,
                    c => PoolRules.ToPool(c, now, $"Pool rule '{rule.Name}': {verdict.Reason}", rule.Id), cancellationToken, now);
                await cascade.ToPoolAsync(write, current.Id, cancellationToken);
                return true;
            }
            catch (PreconditionFailedException)
            {
                if (await customers.Store.FindAsync(tenantId, current.Id, cancellationToken) is not { } fresh)
                {
                    return false;
                }
                current = fresh;
            }
            catch (NotFoundException)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>Which customers have an open opportunity, and when each last won one: two status index ranges.</summary>
    private async Task<Dictionary<string, CustomerDeals>> DealsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var deals = new Dictionary<string, CustomerDeals>(StringComparer.Ordinal);
        await foreach (var won in opportunities.ListAllAsync(tenantId, Status(OpportunityStatus.Won), cancellationToken))
        {
            var at = won.ClosedAt ?? won.UpdatedAt;
            var known = deals.GetValueOrDefault(won.CustomerId, CustomerDeals.None);
            deals[won.CustomerId] = known with { LastWonAt = known.LastWonAt is { } k && k > at ? k : at };
        }
        await foreach (var open in opportunities.ListAllAsync(tenantId, Status(OpportunityStatus.Open), cancellationToken))
        {
            deals[open.CustomerId] = deals.GetValueOrDefault(open.CustomerId, CustomerDeals.None) with { HasOpen = true };
        }
        return deals;
    }

    private static ListQuery Status(OpportunityStatus status) =>
        new() { FieldEquals = [new("status", System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString()))], Limit = 200 };
}
