namespace Crm.Domain.Sales;

/// <summary>One contact in the reports-to tree, with the contacts reporting to it.</summary>
public sealed record ContactNode(Contact Contact, IReadOnlyList<ContactNode> Reports);

/// <summary>The reports-to links of one customer's contacts (seed 4 "联系人"): no cycles, shown as a tree.</summary>
public static class ContactHierarchy
{
    /// <summary>
    /// Whether pointing <paramref name="contactId"/> at <paramref name="reportsToId"/> closes a loop:
    /// the chain of superiors above the new superior reaches the contact itself. <paramref name="superiorOf"/>
    /// gives a contact's current superior (null at the top or when unknown).
    /// </summary>
    public static async Task<bool> WouldCycleAsync(string contactId, string reportsToId, Func<string, Task<string?>> superiorOf, int maxDepth = 1000)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (string? at = reportsToId; at is not null && seen.Add(at) && seen.Count <= maxDepth; at = await superiorOf(at))
        {
            if (at == contactId)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The tree of the given contacts. A contact whose superior is not among them (another customer's,
    /// deleted, or not visible to the reader) is a root, so no contact is ever left out.
    /// </summary>
    public static IReadOnlyList<ContactNode> Tree(IReadOnlyCollection<Contact> contacts)
    {
        var ids = contacts.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var byBoss = contacts.Where(c => c.ReportsToId is { } boss && ids.Contains(boss) && boss != c.Id)
            .ToLookup(c => c.ReportsToId!, StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        ContactNode Node(Contact c)
        {
            placed.Add(c.Id);
            return new ContactNode(c, [.. byBoss[c.Id].Where(r => !placed.Contains(r.Id)).OrderBy(r => r.Name, StringComparer.Ordinal).Select(Node)]);
        }
        static bool IsRoot(Contact c, HashSet<string> ids) => c.ReportsToId is not { } boss || !ids.Contains(boss) || boss == c.Id;
        var roots = contacts.Where(c => IsRoot(c, ids)).OrderByDescending(c => c.IsPrimary).ThenBy(c => c.Name, StringComparer.Ordinal).Select(Node).ToList();
        // Stored links never cycle, but a tree must show every contact whatever the data says.
        foreach (var stray in contacts.Where(c => !placed.Contains(c.Id)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList())
        {
            if (!placed.Contains(stray.Id))
            {
                roots.Add(Node(stray));
            }
        }
        return roots;
    }
}
