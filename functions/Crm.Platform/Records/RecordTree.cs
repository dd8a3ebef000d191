using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>A node of a tree endpoint (<c>GET /api/v1/departments/tree</c>, <c>/product-categories/tree</c>).</summary>
public sealed record TreeNode(string Id, string Name, string? ParentId, int SortOrder, IReadOnlyList<TreeNode> Children);

/// <summary>
/// What the record trees (departments, product categories) share: the whole tree read at once, children ordered by
/// sort order then name (their move check is <see cref="TreeRules"/>).
/// </summary>
public static class RecordTree
{
    /// <summary>Enough for any real company; the tree endpoint reads the whole tree at once.</summary>
    public const int MaxNodes = 5_000;

    public static async Task<IReadOnlyList<TreeNode>> ReadAsync<T>(RecordStore<T> store, string tenantId, Func<T, string?> parentOf, Func<T, string> nameOf,
        Func<T, int> sortOrderOf, CancellationToken cancellationToken) where T : RecordBase
    {
        var all = new List<T>();
        string? cursor = null;
        do
        {
            var page = await store.ListAsync(tenantId, new ListQuery { Sort = "name", Limit = 200, Cursor = cursor }, cancellationToken);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null && all.Count < MaxNodes);
        var byParent = all.ToLookup(n => parentOf(n) ?? "");
        IReadOnlyList<TreeNode> Children(string parent) => byParent[parent]
            .OrderBy(sortOrderOf).ThenBy(nameOf, StringComparer.CurrentCulture)
            .Select(n => new TreeNode(n.Id, nameOf(n), parentOf(n), sortOrderOf(n), Children(n.Id))).ToList();
        return Children("");
    }
}
