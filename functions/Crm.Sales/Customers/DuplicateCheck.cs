using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Sales.Customers;

public sealed record CheckDuplicates(
    [property: Required] string? Type,
    [property: StringLength(200)] string? Name = null,
    [property: StringLength(32)] string? Phone = null,
    [property: StringLength(254)] string? Email = null);

/// <summary>A possible duplicate the caller may see, and what it matched on: name, namePrefix (company, companyPrefix for leads), phone, email.</summary>
public sealed record DuplicateMatch(string Id, string? Name, string? OwnerId, string? CustomerId, IReadOnlyList<string> MatchedOn);

/// <summary>
/// Visible matches in full; the others only counted, so a rep learns that a colleague already has the
/// customer without learning who or which record.
/// </summary>
public sealed record DuplicateReport(IReadOnlyList<DuplicateMatch> Matches, int HiddenCount);

/// <summary>
/// Duplicate check before a create (PRODUCT.md section 2): by normalised name (the same name, or names
/// starting with it), by phone digits and by e-mail, among customers, contacts or leads (whose company counts as a name).
/// </summary>
internal sealed class DuplicateCheck(RecordStore<Customer> customers, RecordStore<Contact> contacts, RecordStore<Lead> leads, OwnedAccess access)
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
            "customer" => await CheckAsync(caller, customers, name, phone, email, [("name", c => c.Name)], c => [("phone", c.Phone)], c => c.Email, _ => null, cancellationToken),
            "contact" => await CheckContactsAsync(caller, name, phone, email, cancellationToken),
            "lead" => await CheckLeadsAsync(caller, name, phone, email, cancellationToken),
            _ => throw new ValidationException("type", "Must be 'customer', 'contact' or 'lead'."),
        };
    }

    private Task<DuplicateReport> CheckContactsAsync(Caller caller, string name, string phone, string email, CancellationToken cancellationToken)
    {
        caller.Require($"{contacts.TableName}.view");
        return CheckAsync(caller, contacts, name, phone, email, [("name", c => c.Name)], c => [("phone", c.Phone), ("mobile", c.Mobile)], c => c.Email, c => c.CustomerId,
            cancellationToken);
    }

    /// <summary>A lead matches a name by its person or its company (matchedOn <c>company</c>, <c>companyPrefix</c>); converted leads are not searched.</summary>
    private Task<DuplicateReport> CheckLeadsAsync(Caller caller, string name, string phone, string email, CancellationToken cancellationToken)
    {
        caller.Require($"{leads.TableName}.view");
        return CheckAsync(caller, leads, name, phone, email, [("name", l => l.Name), ("company", l => l.Company)], l => [("phone", l.Phone), ("mobile", l.Mobile)], l => l.Email,
            _ => null, cancellationToken);
    }

    /// <summary>
    /// A visible record is shown with what it matched on, but only by fields the caller may search (not hidden or
    /// masked from them): a match by a masked phone would confirm the digits the mask leaves out. A visible record
    /// found only by such fields is counted like one out of sight.
    /// </summary>
    private async Task<DuplicateReport> CheckAsync<T>(Caller caller, RecordStore<T> store, string name, string phone, string email,
        IReadOnlyList<(string Field, Func<T, string?> Of)> names, Func<T, (string Field, string? Value)[]> phonesOf, Func<T, string?> emailOf, Func<T, string?> customerOf,
        CancellationToken cancellationToken)
        where T : OwnedRecord
    {
        var unsearchable = FieldRules.Unsearchable(caller.Access.FieldRulesFor(store.TableName));
        var found = new Dictionary<string, T>(StringComparer.Ordinal);
        var shown = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        async Task SearchAsync(string term, Func<T, IEnumerable<(string Why, string Field)>> reasons)
        {
            // The index is searched by the first 100 characters (the longest prefix a search takes); the comparison uses all of them.
            var page = await store.ListAsync(caller.TenantId, new ListQuery { Q = term.Length > MaxTerm ? term[..MaxTerm] : term, Limit = MaxPerCriterion }, cancellationToken);
            foreach (var record in page.Items)
            {
                foreach (var (why, field) in reasons(record))
                {
                    found[record.Id] = record;
                    if (!unsearchable.Contains(field))
                    {
                        (shown.TryGetValue(record.Id, out var on) ? on : shown[record.Id] = new SortedSet<string>(StringComparer.Ordinal)).Add(why);
                    }
                }
            }
        }
        if (name.Length > 0)
        {
            await SearchAsync(name, r => names.SelectMany(f => NameMatch(f.Field, TextNormalizer.Normalize(f.Of(r)), name) is { } why ? [(why, f.Field)] : NoMatch));
        }
        if (phone.Length > 0)
        {
            await SearchAsync(phone, r => phonesOf(r).Where(p => TextNormalizer.Digits(p.Value) == phone).Select(p => ("phone", p.Field)));
        }
        if (email.Length > 0)
        {
            await SearchAsync(email, r => TextNormalizer.Normalize(emailOf(r)) == email ? [("email", "email")] : []);
        }

        var matches = new List<DuplicateMatch>();
        var hidden = 0;
        foreach (var record in found.Values.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            if (!shown.TryGetValue(record.Id, out var on) || !await access.MaySeeAsync(caller, store.TableName, record, cancellationToken))
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

    private static readonly (string, string)[] NoMatch = [];

    /// <summary>The same name (matchedOn the field), a name starting with it (the field + <c>Prefix</c>), or none.</summary>
    private static string? NameMatch(string field, string normalized, string name) =>
        normalized == name ? field : normalized.StartsWith(name, StringComparison.Ordinal) ? field + "Prefix" : null;

    private static string? Text(System.Text.Json.Nodes.JsonObject shaped, string field) => shaped[field]?.ToString();
}
