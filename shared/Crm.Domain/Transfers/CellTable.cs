namespace Crm.Domain.Transfers;

/// <summary>A file's cells as text: the header row and the data rows (trailing blank lines dropped).</summary>
public sealed record CellTable(IReadOnlyList<string> Header, IReadOnlyList<string[]> Rows);

public sealed class TooManyRowsException(int maxRows) : Exception($"The file has more than {maxRows:N0} rows.")
{
    public int MaxRows { get; } = maxRows;
}
