using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Functions.Hosting;
using Crm.Functions.Records;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Functions.Customers;

/// <summary>
/// A customer's write rules: a name unique in the tenant (the conflict names the existing customer only
/// to a caller who may see it) and no deletion while contacts still belong to it.
/// </summary>
internal sealed class CustomerService(RecordStore<Customer> store, RecordStore<Contact> contacts, RecordStore<Opportunity> opportunities, SalesAccess access, TimeProvider clock)
    : IRecordService<Customer, CreateCustomer>
{
    public const int MaxTagLength = 50;

    public static Type Changes => typeof(CustomerChanges);

    public RecordStore<Customer> Store => store;

    public Task<Customer> CreateAsync(Caller caller, CreateCustomer input, CancellationToken cancellationToken) =>
        CreateAsync(caller, input, null, cancellationToken);

    /// <summary>A create with a reserved id, an activity and links set by the feature making it (<see cref="RecordSeed{T}"/>).</summary>
    public Task<Customer> CreateAsync(Caller caller, CreateCustomer input, RecordSeed<Customer>? seed, CancellationToken cancellationToken)
    {
        Check(input);
        var customer = Apply(new Customer { OwnerId = input.OwnerId }, input) with { CustomFields = input.CustomFields ?? [] };
        return UniqueNameAsync(caller, () => store.CreateAsync(seed?.Write(caller.Write(clock)) ?? caller.Write(clock), seed?.Apply(customer) ?? customer,
            cancellationToken: cancellationToken), cancellationToken);
    }

    public Task<Customer> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken) =>
        UniqueNameAsync(caller, () => store.UpdateAsync(caller.Write(clock), id, ifMatch, current =>
        {
            var changes = MergePatch.Apply(new CustomerChanges
            {
                Name = current.Name,
                ShortName = current.ShortName,
                Kind = current.Kind,
                Source = current.Source,
                Level = current.Level,
                Industry = current.Industry,
                Phone = current.Phone,
                Email = current.Email,
                Website = current.Website,
                Address = AddressInput.From(current.Address),
                Tags = current.Tags,
                Description = current.Description,
                OwnerId = current.OwnerId,
                CustomFields = current.CustomFields,
            }, patch);
            Check(changes);
            return ValueTask.FromResult(Apply(current, changes) with { CustomFields = changes.CustomFields });
        }, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>
    /// A customer with contacts or opportunities is not deleted (409 <c>customer.has_contacts</c>,
    /// <c>customer.has_opportunities</c>): they would be left pointing at a binned customer. Delete or
    /// merge them first; merging moves them for you.
    /// </summary>
    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        if (await contacts.AnyWithFieldAsync(caller.TenantId, "customerId", id, cancellationToken))
        {
            throw new ConflictException("customer.has_contacts", "This customer still has contacts; delete them, or merge the customer into another, first.");
        }
        if (await opportunities.AnyWithFieldAsync(caller.TenantId, "customerId", id, cancellationToken))
        {
            throw new ConflictException("customer.has_opportunities", "This customer still has opportunities; delete them, or merge the customer into another, first.");
        }
        await store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);
    }

    /// <summary>
    /// The engine's unique-key conflict carries the holder's id. A caller who may not see that customer
    /// learns only that the name is taken, never which record holds it.
    /// </summary>
    public async Task<T> UniqueNameAsync<T>(Caller caller, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await write();
        }
        catch (ConflictException e) when (e.Code == CustomerRecordType.DuplicateName)
        {
            var existing = e.Extensions.TryGetValue("existingId", out var id) && id is string existingId
                ? await store.FindAsync(caller.TenantId, existingId, cancellationToken) : null;
            var visible = existing is not null && await access.MaySeeAsync(caller, store.TableName, existing, cancellationToken);
            throw new ConflictException(e.Code, visible ? e.Message : e.Message + " It is outside your data scope: ask its owner or a manager.",
                visible ? new Dictionary<string, object?> { ["existingId"] = existing!.Id } : null);
        }
    }

    private static Customer Apply(Customer customer, CustomerFields fields) => customer with
    {
        Name = fields.Name.Trim(),
        ShortName = TextNormalizer.Trimmed(fields.ShortName),
        Kind = TextNormalizer.Trimmed(fields.Kind),
        Source = TextNormalizer.Trimmed(fields.Source),
        Level = TextNormalizer.Trimmed(fields.Level),
        Industry = TextNormalizer.Trimmed(fields.Industry),
        Phone = TextNormalizer.Trimmed(fields.Phone),
        Email = TextNormalizer.Trimmed(fields.Email),
        Website = TextNormalizer.Trimmed(fields.Website),
        Address = fields.Address?.ToAddress() is { IsEmpty: false } address ? address : null,
        Tags = [.. (fields.Tags ?? []).Select(t => t.Trim()).Distinct(StringComparer.Ordinal)],
        Description = TextNormalizer.Trimmed(fields.Description),
    };

    /// <summary>What data annotations do not reach: the nested address and each tag.</summary>
    private static void Check(CustomerFields fields)
    {
        var errors = new Dictionary<string, string[]>();
        if (TextNormalizer.Normalize(fields.Name).Length == 0)
        {
            errors["name"] = ["Must have characters besides spaces."];
        }
        CheckAddressAndTags(errors, fields.Address, fields.Tags);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    /// <summary>The nested address and each tag, as customers and leads both hold them.</summary>
    public static void CheckAddressAndTags(Dictionary<string, string[]> errors, AddressInput? address, IReadOnlyList<string>? tags)
    {
        if (address is not null)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(address, new ValidationContext(address), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    foreach (var member in result.MemberNames)
                    {
                        errors[$"address.{char.ToLowerInvariant(member[0])}{member[1..]}"] = [result.ErrorMessage ?? "Invalid."];
                    }
                }
            }
        }
        if (tags?.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > MaxTagLength) == true)
        {
            errors["tags"] = [$"Each tag has 1 to {MaxTagLength} characters."];
        }
    }
}
