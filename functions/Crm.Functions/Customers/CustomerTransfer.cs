using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Functions.Contacts;
using Crm.Functions.Hosting;
using Crm.Functions.Opportunities;
using Crm.Functions.Records;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Functions.Customers;

/// <summary>
/// <c>{ids, ownerId, cascade, keepOldOwnerAsMember}</c>. Cascade names the related records that follow
/// the customer: <c>contacts</c> and <c>opportunities</c> so far (contracts join when they exist).
/// </summary>
public sealed record TransferCustomers(
    [property: Required] IReadOnlyList<string>? Ids,
    [property: Required, StringLength(26)] string? OwnerId,
    IReadOnlyList<string>? Cascade = null,
    bool KeepOldOwnerAsMember = false);

/// <summary>
/// Gives customers to another owner (seed 4 "客户转移"), each checked and written on its own like a batch
/// item: the caller's <c>customers.transfer</c> scope must cover the current owner, and a locked customer
/// stays put. Each change is an update of <c>ownerId</c>: audited and in the change feed.
/// </summary>
internal sealed class CustomerTransfer(CustomerService customers, ContactService contacts, OpportunityService opportunities, RecordGuard guard, SalesAccess access, TimeProvider clock)
{
    public const string Action = "transfer";
    public static readonly IReadOnlySet<string> Cascades = new HashSet<string>(["contacts", "opportunities"], StringComparer.Ordinal);

    public async Task<IResult> TransferAsync(Caller caller, TransferCustomers input, HttpContext context)
    {
        RequestValidation.Validate(input);
        if (input.Ids is not { Count: > 0 and <= Batch.MaxItems })
        {
            throw new ValidationException("ids", $"Give 1 to {Batch.MaxItems} ids.");
        }
        if (input.Cascade?.FirstOrDefault(c => !Cascades.Contains(c)) is { } unknown)
        {
            throw new ValidationException("cascade", $"'{unknown}' cannot follow a customer. Known: {string.Join(", ", Cascades)}.", "transfer.unknown_cascade");
        }
        await access.EnsureActiveUserAsync(caller.TenantId, input.OwnerId!, "ownerId", context.RequestAborted);
        var cascadeContacts = input.Cascade?.Contains("contacts") == true;
        var cascadeOpportunities = input.Cascade?.Contains("opportunities") == true;
        return await Batch.RunAsync(new BatchRequest<string>(input.Ids), context, async (id, index) =>
        {
            var moved = await TransferOneAsync(caller, id, input.OwnerId!, input.KeepOldOwnerAsMember, context.RequestAborted);
            if (cascadeContacts)
            {
                // After the customer, and idempotent: a retry of a half-done transfer moves the rest.
                await foreach (var contact in contacts.OfCustomerAsync(caller.TenantId, id, context.RequestAborted))
                {
                    await contacts.Store.UpdateAsync(caller.Write(clock), contact.Id, null,
                        c => ValueTask.FromResult(Ownership.Transferred(c, input.OwnerId!, input.KeepOldOwnerAsMember)), cancellationToken: context.RequestAborted);
                }
            }
            if (cascadeOpportunities)
            {
                await foreach (var opportunity in opportunities.OfCustomerAsync(caller.TenantId, id, context.RequestAborted))
                {
                    await opportunities.Store.UpdateAsync(caller.Write(clock), opportunity.Id, null,
                        o => ValueTask.FromResult(Ownership.Transferred(o, input.OwnerId!, input.KeepOldOwnerAsMember)), cancellationToken: context.RequestAborted);
                }
            }
            return new BatchResult(index, 200, moved.Id, RecordShape.Of(caller, customers.Store.TableName, moved));
        });
    }

    private async Task<Customer> TransferOneAsync(Caller caller, string id, string ownerId, bool keepOldOwner, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await customers.Store.GetAsync(caller.TenantId, id, cancellationToken);
            await guard.EnsureAsync(caller, customers.Store.TypeName, customers.Store.TableName, Action, current, cancellationToken);
            CustomerLocks.EnsureUnlocked(current);
            try
            {
                // The version checked is the version written: a lock or a transfer in between is seen.
                return await customers.Store.UpdateAsync(caller.Write(clock), id, current.Version,
                    c => ValueTask.FromResult(Ownership.Transferred(c, ownerId, keepOldOwner)), cancellationToken: cancellationToken);
            }
            catch (PreconditionFailedException)
            {
                RecordOperations<Customer, CreateCustomer, CustomerService>.ThrowIfTooBusy(attempt, id);
            }
        }
    }
}

/// <summary>Owner changes shared by transfers and merges of any owned record.</summary>
internal static class Ownership
{
    /// <summary>The new owner leaves the team (they have every right already); the old one may stay in it, read-write.</summary>
    public static T Transferred<T>(T record, string ownerId, bool keepOldOwner) where T : OwnedRecord
    {
        var team = record.Team.Where(m => m.UserId != ownerId).ToList();
        if (keepOldOwner && record.OwnerId is { } old && old != ownerId)
        {
            team.RemoveAll(m => m.UserId == old);
            if (team.Count >= RecordTeamApi<Customer, CreateCustomer, CustomerService>.MaxMembers)
            {
                throw new ConflictException("team.full", $"The team of '{record.Id}' is full; the old owner cannot stay as a member.");
            }
            team.Add(new TeamMember(old, TeamAccess.ReadWrite));
        }
        return (T)(record with { OwnerId = ownerId, Team = team });
    }
}
