namespace Crm.Storage.Records;

/// <summary>Every record type the app stores, by its singular name (as in <c>relatedType</c>).</summary>
public sealed class RecordTypeRegistry(IEnumerable<IRecordStore> stores)
{
    public IReadOnlyList<IRecordStore> Stores { get; } = stores.OrderBy(s => s.TypeName, StringComparer.Ordinal).ToList();

    public IRecordStore? Find(string typeName) => Stores.FirstOrDefault(s => s.TypeName == typeName);

    /// <summary>A type named in a URL: singular ("ipRule") or plural as its routes spell it ("ip-rules").</summary>
    public IRecordStore? FindNamed(string name) => Stores.FirstOrDefault(s => s.TypeName == name || s.Collection == name);
}
