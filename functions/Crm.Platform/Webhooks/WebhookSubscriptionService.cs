using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Domain.Webhooks;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.Extensions.Options;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Webhooks;

/// <summary>
/// Makes, changes, rotates and removes webhook subscriptions. The signing secrets live in a row beside the record
/// (<c>s~{id}</c>: the current one and, for a while after a rotation, the previous one), written in the record's own
/// transaction, so the operation log and the change feed never carry them.
/// </summary>
public sealed class WebhookSubscriptionService(
    RecordStore<WebhookSubscription> store, IOptions<WebhookOptions> options, IHostEnvironment environment, TimeProvider clock)
{
    private const string Current = "Current";
    private const string Previous = "Previous";
    private const string PreviousUntil = "PreviousUntil";

    public RecordStore<WebhookSubscription> Store => store;

    internal bool AllowsHttp => options.Value.AllowHttp ?? environment.IsDevelopment();

    internal bool AllowsPrivateTargets => options.Value.AllowPrivateTargets ?? environment.IsDevelopment();

    public async Task<WebhookSubscriptionView> CreateAsync(Caller caller, CreateWebhookSubscription input, CancellationToken cancellationToken)
    {
        if (await store.AllAsync(caller.TenantId, cancellationToken).CountAsync(cancellationToken) >= options.Value.MaxSubscriptions)
        {
            throw new ConflictException("webhook.limit_reached", $"A tenant can have at most {options.Value.MaxSubscriptions} webhook subscriptions.");
        }
        var subscription = Checked(new WebhookSubscription
        {
            Url = input.Url.Trim(),
            EventTypes = [.. input.EventTypes!.Select(t => t.Trim()).Distinct(StringComparer.Ordinal)],
            Description = input.Description?.Trim(),
            Enabled = input.Enabled ?? true,
            ApiKeyId = caller.ApiKeyId,
            Id = Ids.New(clock.GetUtcNow()),
        });
        var secret = WebhookSignature.NewSecret();
        var secretRow = new TableEntity(caller.TenantId, SecretRowKey(subscription.Id)) { [Current] = secret };
        var created = await store.CreateAsync(caller.Write(clock), subscription, [new TableTransactionAction(TableTransactionActionType.Add, secretRow)], cancellationToken);
        return WebhookSubscriptionView.From(created, null, secret);
    }

    public async Task<IReadOnlyList<WebhookSubscriptionView>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var previous = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {"s~"} and RowKey lt {"s~~"}");
        await foreach (var row in store.Table.QueryAsync<TableEntity>(filter, select: ["RowKey", PreviousUntil], cancellationToken: cancellationToken))
        {
            previous[row.RowKey[2..]] = row.GetDateTimeOffset(PreviousUntil) is { } until && until > now ? until : null;
        }
        var all = await store.AllAsync(tenantId, cancellationToken).ToListAsync(cancellationToken);
        return [.. all.OrderByDescending(s => s.Id, StringComparer.Ordinal).Select(s => WebhookSubscriptionView.From(s, previous.GetValueOrDefault(s.Id)))];
    }

    public async Task<WebhookSubscriptionView> GetAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var subscription = await store.GetAsync(tenantId, id, cancellationToken);
        return WebhookSubscriptionView.From(subscription, (await SecretsAsync(tenantId, id, cancellationToken)).PreviousUntil);
    }

    public async Task<WebhookSubscriptionView> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var updated = await store.UpdateAsync(caller.Write(clock), id, ifMatch, current =>
        {
            var changes = MergePatch.Apply(new WebhookSubscriptionChanges
            {
                Url = current.Url,
                EventTypes = current.EventTypes,
                Description = current.Description,
                Enabled = current.Enabled,
            }, patch);
            var enabled = changes.Enabled!.Value;
            return ValueTask.FromResult(Checked(current with
            {
                Url = changes.Url.Trim(),
                EventTypes = [.. changes.EventTypes!.Select(t => t.Trim()).Distinct(StringComparer.Ordinal)],
                Description = changes.Description?.Trim(),
                Enabled = enabled,
                DisabledReason = enabled ? null : current.DisabledReason,
                DisabledAt = enabled ? null : current.DisabledAt ?? clock.GetUtcNow(),
            }));
        }, cancellationToken: cancellationToken);
        return WebhookSubscriptionView.From(updated, (await SecretsAsync(caller.TenantId, id, cancellationToken)).PreviousUntil);
    }

    public Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken) =>
        store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);

    /// <summary>
    /// A new secret; the one it replaces keeps signing beside it for <see cref="WebhookOptions.SecretOverlap"/>, so the
    /// receiver can switch without losing a delivery. Rotating again within the overlap drops the oldest at once.
    /// </summary>
    public async Task<WebhookSubscriptionView> RotateSecretAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var subscription = await store.GetAsync(caller.TenantId, id, cancellationToken);
        var row = (await store.Table.GetEntityAsync<TableEntity>(caller.TenantId, SecretRowKey(id), cancellationToken: cancellationToken)).Value;
        var secret = WebhookSignature.NewSecret();
        var until = clock.GetUtcNow() + options.Value.SecretOverlap;
        row[Previous] = row.GetString(Current);
        row[PreviousUntil] = until;
        row[Current] = secret;
        // The ETag: two rotations at once must not both believe their secret is the current one.
        await store.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
        await store.AuditActionAsync(caller.Write(clock), AuditAction.Updated, "secret rotated", subscription, cancellationToken);
        return WebhookSubscriptionView.From(subscription, until, secret);
    }

    /// <summary>The secrets that sign a delivery now: the current one, and the previous one during its overlap.</summary>
    public async Task<(IReadOnlyList<string> Signing, DateTimeOffset? PreviousUntil)> SecretsAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var found = await store.Table.GetEntityIfExistsAsync<TableEntity>(tenantId, SecretRowKey(id), cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return ([], null);
        }
        var row = found.Value!;
        var signing = new List<string> { row.GetString(Current) };
        if (row.GetString(Previous) is { } previous && row.GetDateTimeOffset(PreviousUntil) is { } until && until > clock.GetUtcNow())
        {
            signing.Add(previous);
            return (signing, until);
        }
        return (signing, null);
    }

    private WebhookSubscription Checked(WebhookSubscription subscription)
    {
        var errors = new Dictionary<string, string[]>();
        if (WebhookTargets.Problem(subscription.Url, AllowsHttp, AllowsPrivateTargets) is { } urlProblem)
        {
            errors["url"] = [urlProblem];
        }
        var typeProblems = subscription.EventTypes.Select(EventTypeFilter.Problem).OfType<string>().ToArray();
        if (typeProblems.Length > 0)
        {
            errors["eventTypes"] = typeProblems;
        }
        return errors.Count > 0 ? throw new ValidationException(errors) : subscription;
    }

    private static string SecretRowKey(string id) => "s~" + id;
}
