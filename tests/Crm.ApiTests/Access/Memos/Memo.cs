using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Functions.Hosting;
using Crm.Functions.Records;
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

public sealed record CreateMemo
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [StringLength(26)]
    public string? OwnerId { get; init; }

    [StringLength(32)]
    public string? Phone { get; init; }

    [StringLength(254)]
    public string? Email { get; init; }

    public decimal? Amount { get; init; }

    public string? Level { get; init; }

    public JsonObject? CustomFields { get; init; }
}

public sealed record MemoChanges
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    public string? OwnerId { get; init; }

    [StringLength(32)]
    public string? Phone { get; init; }

    [StringLength(254)]
    public string? Email { get; init; }

    public decimal? Amount { get; init; }

    public string? Level { get; init; }

    public JsonObject CustomFields { get; init; } = [];
}

public sealed class MemoRecordType : RecordType<Memo>
{
    public override string Name => "memo";
    public override string Table => "memos";
    public override string DisplayName(Memo record) => record.Name;
    public override IEnumerable<SearchTerm> SearchTerms(Memo record) => [new("name", record.Name), new("email", record.Email), new("phone", TextNormalizer.Digits(record.Phone))];
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["name", "ownerId", "phone", "email", "amount", "level", "createdAt", "updatedAt"]);
}

internal sealed class MemoService(RecordStore<Memo> store, TimeProvider clock) : IRecordService<Memo, CreateMemo>
{
    public static Type Changes => typeof(MemoChanges);

    public RecordStore<Memo> Store => store;

    public Task<Memo> CreateAsync(Caller caller, CreateMemo input, CancellationToken cancellationToken) =>
        store.CreateAsync(caller.Write(clock), new Memo
        {
            Name = input.Name,
            OwnerId = input.OwnerId,
            Phone = input.Phone,
            Email = input.Email,
            Amount = input.Amount,
            Level = input.Level,
            CustomFields = input.CustomFields ?? [],
        }, cancellationToken: cancellationToken);

    public Task<Memo> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken) =>
        store.UpdateAsync(caller.Write(clock), id, ifMatch, current =>
        {
            var changes = MergePatch.Apply(new MemoChanges
            {
                Name = current.Name,
                OwnerId = current.OwnerId,
                Phone = current.Phone,
                Email = current.Email,
                Amount = current.Amount,
                Level = current.Level,
                CustomFields = current.CustomFields,
            }, patch);
            return ValueTask.FromResult(current with
            {
                Name = changes.Name,
                Phone = changes.Phone,
                Email = changes.Email,
                Amount = changes.Amount,
                Level = changes.Level,
                CustomFields = changes.CustomFields,
            });
        }, cancellationToken: cancellationToken);

    public Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken) =>
        store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);
}

internal static class MemoRegistration
{
    public static IServiceCollection AddMemos(this IServiceCollection services) =>
        services.AddOwnedRecords<Memo, MemoRecordType, CreateMemo, MemoService>("Memos", "Memo", "Memos");
}
