using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Functions.Contacts;
using Crm.Functions.Hosting;
using Crm.Functions.Records;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Functions.Customers;

public sealed record CheckDuplicates(
    [property: Required] string? Type,
    [property: StringLength(200)] string? Name = null,
    [property: StringLength(32)] string? Phone = null,
    [property: StringLength(254)] string? Email = null);

/// <summary>A possible duplicate the caller may see, and what it matched on: name, namePrefix, phone, email.</summary>
public sealed record DuplicateMatch(string Id, string? Name, string? OwnerId, string? CustomerId, IReadOnlyList<string> MatchedOn);

/// <summary>
/// Visible matches in full; the others only counted, so a rep learns that a colleague already has the
/// customer without learning who or which record.
/// </summary>
public sealed record DuplicateReport(IReadOnlyList<DuplicateMatch> Matches, int HiddenCount);

/// <summary>
/// Duplicate check before a create (PRODUCT.md section 2): by normalised name (the same name, or names
/// starting with it), by phone digits and by e-mail, among customers or contacts.
/// </summary>
internal sealed class DuplicateCheck(RecordStore<Customer> customers, RecordStore<Contact> contacts, SalesAccess access)
{
    /// <summary>Candidates read per criterion; a check is a hint before typing on, not a report.</summary>
    public const int MaxPerCriterion = 50;

    private const int MaxTerm = 100;

    public async Task<DuplicateReport> CheckAsync(Caller caller, CheckDuplicates input, CancellationToken cancellationToken)
    {
        RequestValidation.Validate(input);
        var name = TextNormalizer.Normalize(input.Name);
        var phone = TextNormalizer.Digits(input.Phone);
        var email = TextNormalizer.Normalize(input.Email);
        if (name.Length == 0 && phone.Length == 0 && email.Length == 0)
        {
            throw new ValidationException("name", "Give a name, a phone or an e-mail to check.", "duplicates.nothing_to_check");
        }
        return input.Type switch
        {
            "customer" => await CheckAsync(caller, customers, name, phone, email, c => c.Name, c => [c.Phone], c => c.Email, _ => null, cancellationToken),
            "contact" => await CheckContactsAsync(caller, name, phone, email, cancellationToken),
            _ => throw new ValidationException("type", "Must be 'customer' or 'contact'."),
        };
    }

    private Task<DuplicateReport> CheckContactsAsync(Caller caller, string name, string phone, string email, CancellationToken cancellationToken)
    {
        caller.Require($"{contacts.TableName}.view");
        return CheckAsync(caller, contacts, name, phone, email, c => c.Name, c => [c.Phone, c.Mobile], c => c.Email, c => c.CustomerId, cancellationToken);
    }

    private async Task<DuplicateReport> CheckAsync<T>(Caller caller, RecordStore<T> store, string name, string phone, string email,
        Func<T, string> nameOf, Func<T, string?[]> phonesOf, Func<T, string?> emailOf, Func<T, string?> customerOf, CancellationToken cancellationToken)
        where T : OwnedRecord
    {
        var found = new Dictionary<string, (T Record, SortedSet<string> On)>(StringComparer.Ordinal);
        async Task SearchAsync(string term, Func<T, string?> reason)
        {
            // The index is searched by the first 100 characters (the longest prefix a search takes); the comparison uses all of them.
            var page = await store.ListAsync(caller.TenantId, new ListQuery { Q = term.Length > MaxTerm ? term[..MaxTerm] : term, Limit = MaxPerCriterion }, cancellationToken);
            foreach (var record in page.Items)
            {
                if (reason(record) is { } why)
                {
                    var entry = found.TryGetValue(record.Id, out var e) ? e : found[record.Id] = (record, new SortedSet<string>(StringComparer.Ordinal));
                    entry.On.Add(why);
                }
            }
        }
        if (name.Length > 0)
        {
            await SearchAsync(name, r => TextNormalizer.Normalize(nameOf(r)) is var n && n == name ? "name" : n.StartsWith(name, StringComparison.Ordinal) ? "namePrefix" : null);
        }
        if (phone.Length > 0)
        {
            await SearchAsync(phone, r => phonesOf(r).Any(p => TextNormalizer.Digits(p) == phone) ? "phone" : null);
        }
        if (email.Length > 0)
        {
            await SearchAsync(email, r => TextNormalizer.Normalize(emailOf(r)) == email ? "email" : null);
        }

        var matches = new List<DuplicateMatch>();
        var hidden = 0;
        foreach (var (record, on) in found.Values.OrderBy(v => v.Record.Id, StringComparer.Ordinal))
        {
            if (!await access.MaySeeAsync(caller, store.TableName, record, cancellationToken))
            {
                hidden++;
                continue;
            }
            // Field rules apply here as to any answer: a hidden name stays hidden.
            var shaped = RecordShape.Of(caller, store.TableName, record);
            matches.Add(new DuplicateMatch(record.Id, Text(shaped, "name"), Text(shaped, "ownerId"), customerOf(record) is null ? null : Text(shaped, "customerId"), [.. on]));
        }
        return new DuplicateReport(matches, hidden);
    }

    private static string? Text(System.Text.Json.Nodes.JsonObject shaped, string field) => shaped[field]?.ToString();
}
