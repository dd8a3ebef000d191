using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Functions.Contacts;
using Crm.Functions.FollowUps;
using Crm.Functions.Hosting;
using Crm.Functions.Opportunities;
using Crm.Functions.Records;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Functions.Customers;

public sealed record MergeCustomers(
    [property: Required, StringLength(26)] string? TargetId,
    [property: Required] IReadOnlyList<string>? SourceIds);

public sealed record MergeResult(JsonObject Customer, IReadOnlyList<string> MergedIds, IReadOnlyList<string> MovedContactIds, IReadOnlyList<string> MovedOpportunityIds,
    IReadOnlyList<string> MovedFollowUpIds);

/// <summary>
/// Merges duplicates into one customer (PRODUCT.md section 2): the sources' contacts and team move to the
/// target (follow-ups too), the target's empty fields take the sources' values, the sources go to the recycle bin marked
/// <c>mergedIntoId</c>. Every step is an ordinary audited write, so the trail shows the merge, and the
/// order (contacts, target, mark, delete) makes a retry after a crash finish the job.
/// </summary>
internal sealed class CustomerMerge(CustomerService customers, ContactService contacts, OpportunityService opportunities, FollowUpService followUps,
    RecordGuard guard, TimeProvider clock)
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

        var moved = new List<string>();
        var movedOpportunities = new List<string>();
        var movedFollowUps = new List<string>();
        foreach (var source in sources)
        {
            // Each step has its own time, so the audit trail reads in the order the merge happened.
            moved.AddRange(await MoveContactsAsync(caller.Write(clock).As(Activities.Merged), source.Id, targetId, cancellationToken));
            movedOpportunities.AddRange(await MoveOpportunitiesAsync(caller.Write(clock).As(Activities.Merged), source.Id, targetId, cancellationToken));
            movedFollowUps.AddRange(await followUps.MoveAsync(caller.Write(clock).As(Activities.Merged), "customer", source.Id, "customer", targetId, cancellationToken));
            target = await store.UpdateAsync(caller.Write(clock).As(Activities.Merged), targetId, null,
                t => ValueTask.FromResult(CustomerRules.FillFrom(t, source, RecordTeamApi<Customer, CustomerFields, CustomerService>.MaxMembers)),
                cancellationToken: cancellationToken);
            await store.UpdateAsync(caller.Write(clock).As(Activities.MergedInto), source.Id, null, s => ValueTask.FromResult(s with { MergedIntoId = targetId }), cancellationToken: cancellationToken);
            // Contacts added to the source while it was being merged follow too, so the delete leaves none behind.
            moved.AddRange(await MoveContactsAsync(caller.Write(clock).As(Activities.Merged), source.Id, targetId, cancellationToken));
            movedOpportunities.AddRange(await MoveOpportunitiesAsync(caller.Write(clock).As(Activities.Merged), source.Id, targetId, cancellationToken));
            movedFollowUps.AddRange(await followUps.MoveAsync(caller.Write(clock).As(Activities.Merged), "customer", source.Id, "customer", targetId, cancellationToken));
            await store.DeleteAsync(caller.Write(clock), source.Id, null, cancellationToken);
        }
        return new MergeResult(RecordShape.Of(caller, store.TableName, target), sourceIds, moved, movedOpportunities, movedFollowUps);
    }

    /// <summary>
    /// Moves a customer's contacts, keeping their reports-to links (they move together). A moved primary
    /// contact stays primary only when the target has none yet.
    /// </summary>
    private async Task<List<string>> MoveContactsAsync(WriteContext write, string fromId, string toId, CancellationToken cancellationToken)
    {
        var moved = new List<string>();
        var all = new List<Contact>();
        await foreach (var contact in contacts.OfCustomerAsync(write.TenantId, fromId, cancellationToken))
        {
            all.Add(contact);
        }
        foreach (var contact in all)
        {
            var targetHasPrimary = contact.IsPrimary
                && await contacts.Store.FindIdByUniqueKeyAsync(write.TenantId, "primary", toId, cancellationToken) is not null;
            await contacts.Store.UpdateAsync(write, contact.Id, null,
                c => ValueTask.FromResult(c with { CustomerId = toId, IsPrimary = c.IsPrimary && !targetHasPrimary }), cancellationToken: cancellationToken);
            moved.Add(contact.Id);
        }
        return moved;
    }

    /// <summary>A source's opportunities follow it to the target; their contacts (moved too) stay linked.</summary>
    private async Task<List<string>> MoveOpportunitiesAsync(WriteContext write, string fromId, string toId, CancellationToken cancellationToken)
    {
        var all = new List<Opportunity>();
        await foreach (var opportunity in opportunities.OfCustomerAsync(write.TenantId, fromId, cancellationToken))
        {
            all.Add(opportunity);
        }
        foreach (var opportunity in all)
        {
            await opportunities.Store.UpdateAsync(write, opportunity.Id, null, o => ValueTask.FromResult(o with { CustomerId = toId }), cancellationToken: cancellationToken);
        }
        return [.. all.Select(o => o.Id)];
    }
}
