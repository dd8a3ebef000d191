namespace Crm.Domain.Common;

/// <summary>The rule every record tree (departments, product categories) keeps when a node moves.</summary>
public static class TreeRules
{
    /// <summary>Far deeper than any real tree; stops a corrupted chain from looping forever.</summary>
    public const int MaxDepth = 64;

    /// <summary>Walks up from the new parent: reaching the node itself would cut it off the tree (409 <c>{type}.cycle</c>).</summary>
    public static async Task EnsureNoCycleAsync(string typeName, string nodeId, string? newParentId, Func<string, Task<string?>> parentOf)
    {
        var current = newParentId;
        for (var depth = 0; current is not null; depth++)
        {
            if (current == nodeId)
            {
                throw new ConflictException($"{typeName}.cycle", $"A {typeName} cannot be moved under itself or one of its descendants.");
            }
            if (depth >= MaxDepth)
            {
                throw new ConflictException($"{typeName}.too_deep", $"The tree may not be deeper than {MaxDepth}.");
            }
            current = await parentOf(current).ConfigureAwait(false);
        }
    }
}
