using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Storage.Records;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Access.Memos;

/// <summary>
/// A small owned record that exists only in the test host, so data scope, teams, field rules and
/// export are proven before the sales records arrive. It is declared as owned, nothing more.
/// </summary>
public sealed record Memo : OwnedRecord
{
    public string Name { get; init; } = "";
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public decimal? Amount { get; init; }

    /// <summary>Declared as a dictionary field: the generic record API checks it against customerLevel.</summary>
    [DictionaryField(DataDictionaries.CustomerLevel)]
    public string? Level { get; init; }
}

/// <summary>The fields a client writes: the create body and the editable view a merge patch applies to.</summary>
public sealed record MemoFields : OwnedFields
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(32)]
    public string? Phone { get; init; }

    [StringLength(254)]
    public string? Email { get; init; }

    public decimal? Amount { get; init; }

    public string? Level { get; init; }
}

public sealed class MemoRecordType : RecordType<Memo>
{
    public override string Name => "memo";
    public override string Table => "memos";
    public override string DisplayName(Memo record) => record.Name;
    public override IEnumerable<SearchTerm> SearchTerms(Memo record) => [new("name", record.Name), new("email", record.Email), new("phone", TextNormalizer.Digits(record.Phone))];
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["name", "ownerId", "phone", "email", "amount", "level", "createdAt", "updatedAt"]);
}

/// <summary>No rules beyond the fields' own: the engine copies, normalises, validates and writes.</summary>
internal sealed class MemoService(RecordStore<Memo> store, OwnedAccess access, TimeProvider clock) : RecordService<Memo, MemoFields>(store, access, clock);

internal static class MemoRegistration
{
    public static IServiceCollection AddMemos(this IServiceCollection services) =>
        services.AddOwnedRecords<Memo, MemoRecordType, MemoFields, MemoService>("Memos", "Memo", "Memos");
}
