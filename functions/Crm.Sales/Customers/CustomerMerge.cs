using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Sales.Customers;

public sealed record MergeCustomers(
    [property: Required, StringLength(26)] string? TargetId,
    [property: Required] IReadOnlyList<string>? SourceIds);

/// <summary>What a merge did; <see cref="Moved"/> lists every kind that moved (quotes and contracts too), by kind.</summary>
public sealed record MergeResult(JsonObject Customer, IReadOnlyList<string> MergedIds, IReadOnlyList<string> MovedContactIds, IReadOnlyList<string> MovedOpportunityIds,
    IReadOnlyList<string> MovedFollowUpIds, IReadOnlyDictionary<string, IReadOnlyList<string>> Moved);

/// <summary>
/// Merges duplicates into one customer (PRODUCT.md section 2): the sources' contacts and team move to the
/// target (follow-ups too), the target's empty fields take the sources' values, the sources go to the recycle bin marked
/// <c>mergedIntoId</c>. Every step is an ordinary audited write, so the trail shows the merge, and the
/// order (contacts, target, mark, delete) makes a retry after a crash finish the job.
/// </summary>
internal sealed class CustomerMerge(CustomerService customers, CustomerCascade cascade, RecordGuard guard, TimeProvider clock)
{
    public const int MaxSources = 10;

    public async Task<MergeResult> MergeAsync(Caller caller, MergeCustomers input, CancellationToken cancellationToken)
    {
        RequestValidation.Validate(input);
        var targetId = input.TargetId!;
        var sourceIds = input.SourceIds!.Distinct(StringComparer.Ordinal).ToList();
        if (sourceIds.Count is 0 or > MaxSources || sourceIds.Any(string.IsNullOrEmpty))
        {
            throw new ValidationException("sourceIds", $"Give 1 to {MaxSources} customer ids.");
        }
        if (sourceIds.Contains(targetId))
        {
            throw new ValidationException("sourceIds", "The target cannot be merged into itself.", "customer.merge_into_self");
        }
        var store = customers.Store;
        var target = await store.GetAsync(caller.TenantId, targetId, cancellationToken);
        await guard.EnsureAsync(caller, store.TypeName, store.TableName, Permissions.Actions.Edit, target, cancellationToken);
        // Every source is checked before anything is written: a refused merge changes nothing.
        var sources = new List<Customer>();
        foreach (var id in sourceIds)
        {
            if (await store.FindAsync(caller.TenantId, id, cancellationToken) is { } source)
            {
                await guard.EnsureAsync(caller, store.TypeName, store.TableName, Permissions.Actions.Edit, source, cancellationToken);
                sources.Add(source);
            }
            else if ((await store.FindInBinAsync(caller.TenantId, id, cancellationToken))?.MergedIntoId != targetId)
            {
                // A source already merged into this target (an earlier, interrupted attempt) is done; anything else is unknown.
                throw new NotFoundException(store.TypeName, id);
            }
        }

        var moved = cascade.Dependents.ToDictionary(d => d.Kind, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var source in sources)
        {
            // Each step has its own time, so the audit trail reads in the order the merge happened.
            await MoveDependentsAsync(caller, source.Id, targetId, moved, cancellationToken);
            target = await store.UpdateAsync(caller.Write(clock).As(Activities.Merged), targetId, null,
                t => ValueTask.FromResult(CustomerRules.FillFrom(t, source, Ownership.MaxMembers)),
                cancellationToken: cancellationToken);
            await store.UpdateAsync(caller.Write(clock).As(Activities.MergedInto), source.Id, null, s => ValueTask.FromResult(s with { MergedIntoId = targetId }), cancellationToken: cancellationToken);
            // Contacts added to the source while it was being merged follow too, so the delete leaves none behind.
            await MoveDependentsAsync(caller, source.Id, targetId, moved, cancellationToken);
            await store.DeleteAsync(caller.Write(clock), source.Id, null, cancellationToken);
        }
        return new MergeResult(RecordShape.Of(caller, store.TableName, target), sourceIds, Moved("contacts"), Moved("opportunities"), Moved("followUps"),
            moved.ToDictionary(m => m.Key, m => Moved(m.Key), StringComparer.Ordinal));

        IReadOnlyList<string> Moved(string kind) => moved.TryGetValue(kind, out var ids) ? [.. ids.Distinct(StringComparer.Ordinal)] : [];
    }

    private async Task MoveDependentsAsync(Caller caller, string fromId, string toId, Dictionary<string, List<string>> moved, CancellationToken cancellationToken)
    {
        foreach (var kind in cascade.Dependents)
        {
            moved[kind.Kind].AddRange(await kind.MergeAsync(caller.Write(clock).As(Activities.Merged), fromId, toId, cancellationToken));
        }
    }
}
