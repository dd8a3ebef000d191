using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Functions.Customers;
using Crm.Functions.Hosting;
using Crm.Functions.Records;
using Crm.Storage.Records;

namespace Crm.Functions.Leads;

/// <summary>
/// A lead's write rules: a name with characters in it, a valid address and tags, a status that starts at
/// <see cref="LeadRules.InitialStatus"/>; a converted lead is not edited (409 <c>lead.converted</c>).
/// </summary>
internal sealed class LeadService(RecordStore<Lead> store, TimeProvider clock) : IRecordService<Lead, CreateLead>
{
    public static Type Changes => typeof(LeadChanges);

    public RecordStore<Lead> Store => store;

    public Task<Lead> CreateAsync(Caller caller, CreateLead input, CancellationToken cancellationToken)
    {
        Check(input);
        return store.CreateAsync(caller.Write(clock), Apply(new Lead { OwnerId = input.OwnerId }, input) with
        {
            Status = TextNormalizer.Trimmed(input.Status) ?? LeadRules.InitialStatus,
            CustomFields = input.CustomFields ?? [],
        }, cancellationToken: cancellationToken);
    }

    public Task<Lead> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken) =>
        store.UpdateAsync(caller.Write(clock), id, ifMatch, current =>
        {
            LeadRules.EnsureNotConverted(current);
            var changes = MergePatch.Apply(new LeadChanges
            {
                Name = current.Name,
                Company = current.Company,
                Title = current.Title,
                Phone = current.Phone,
                Mobile = current.Mobile,
                Email = current.Email,
                Source = current.Source,
                Industry = current.Industry,
                Status = current.Status,
                Address = AddressInput.From(current.Address),
                NextContactAt = current.NextContactAt,
                Remark = current.Remark,
                Tags = current.Tags,
                OwnerId = current.OwnerId,
                CustomFields = current.CustomFields,
            }, patch);
            Check(changes);
            return ValueTask.FromResult(Apply(current, changes) with { Status = TextNormalizer.Trimmed(changes.Status), CustomFields = changes.CustomFields });
        }, cancellationToken: cancellationToken);

    /// <summary>A converted lead may be deleted: its customer, contact and opportunity keep their link to it.</summary>
    public Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken) =>
        store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);

    private static Lead Apply(Lead lead, LeadFields fields) => lead with
    {
        Name = fields.Name.Trim(),
        Company = TextNormalizer.Trimmed(fields.Company),
        Title = TextNormalizer.Trimmed(fields.Title),
        Phone = TextNormalizer.Trimmed(fields.Phone),
        Mobile = TextNormalizer.Trimmed(fields.Mobile),
        Email = TextNormalizer.Trimmed(fields.Email),
        Source = TextNormalizer.Trimmed(fields.Source),
        Industry = TextNormalizer.Trimmed(fields.Industry),
        Address = fields.Address?.ToAddress() is { IsEmpty: false } address ? address : null,
        NextContactAt = fields.NextContactAt,
        Remark = TextNormalizer.Trimmed(fields.Remark),
        Tags = [.. (fields.Tags ?? []).Select(t => t.Trim()).Distinct(StringComparer.Ordinal)],
    };

    private static void Check(LeadFields fields)
    {
        var errors = new Dictionary<string, string[]>();
        if (TextNormalizer.Normalize(fields.Name).Length == 0)
        {
            errors["name"] = ["Must have characters besides spaces."];
        }
        CustomerService.CheckAddressAndTags(errors, fields.Address, fields.Tags);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }
}
