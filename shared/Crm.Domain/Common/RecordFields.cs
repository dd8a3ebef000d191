using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crm.Domain.Common;

/// <summary>
/// The one mapping between a record type's fields record (what a client writes) and the record itself:
/// properties of the same name are copied, so a record type declares its fields once and never lists them
/// again. Every value gets the same normalisation on the way in: text is trimmed (an optional text of
/// nothing but spaces reads as absent), a list of strings is trimmed and loses repeats, a nested record
/// (an address, a product line) is normalised field by field and is absent when all its fields are, and a
/// missing list or object becomes empty where the record always holds one. A text declared
/// <see cref="FoldWidthAttribute"/> (phone numbers, e-mail and web addresses) is stored with its full-width
/// letters, digits and signs folded to ASCII.
/// </summary>
public static class RecordFields
{
    private sealed record Pair(PropertyInfo Source, PropertyInfo Target, bool TargetNullable, FixedAttribute? Fixed, bool Fold);

    private sealed record Member(PropertyInfo Property, bool Nullable, bool Fold);

    private static readonly ConcurrentDictionary<(Type From, Type To), IReadOnlyList<Pair>> Pairs = new();

    private static readonly ConcurrentDictionary<Type, IReadOnlyList<Member>> Members = new();

    private static readonly MethodInfo ShallowCopy = typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!;

    /// <summary>The record with every field of <paramref name="fields"/> it shares copied in, normalised.</summary>
    public static T Apply<T, TFields>(T record, TFields fields) where T : class where TFields : class
    {
        var copy = (T)ShallowCopy.Invoke(record, null)!;
        foreach (var pair in PairsOf(typeof(TFields), typeof(T)))
        {
            pair.Target.SetValue(copy, Normalized(pair.Source.GetValue(fields), pair.Target.PropertyType, pair.TargetNullable, pair.Fold));
        }
        return copy;
    }

    /// <summary>The editable view of a record: its values of every field the view declares, as a merge patch applies to them.</summary>
    public static TView View<TView, T>(T record) where TView : class, new() where T : class
    {
        var view = new TView();
        foreach (var pair in PairsOf(typeof(TView), typeof(T)))
        {
            pair.Source.SetValue(view, pair.Target.GetValue(record));
        }
        return view;
    }

    /// <summary>Refuses a change to a field declared <see cref="FixedAttribute"/> (400 with the attribute's code, naming the field).</summary>
    public static void EnsureFixed<T, TView>(T current, TView changes) where T : class where TView : class
    {
        foreach (var pair in PairsOf(typeof(TView), typeof(T)).Where(p => p.Fixed is not null))
        {
            if (!Equals(pair.Source.GetValue(changes), pair.Target.GetValue(current)))
            {
                throw new ValidationException(JsonNamingPolicy.CamelCase.ConvertName(pair.Source.Name), pair.Fixed!.Message, pair.Fixed.Code);
            }
        }
    }

    private static IReadOnlyList<Pair> PairsOf(Type from, Type to) => Pairs.GetOrAdd((from, to), key =>
    {
        var nullability = new NullabilityInfoContext();
        var pairs = new List<Pair>();
        foreach (var source in key.From.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite))
        {
            if (key.To.GetProperty(source.Name, BindingFlags.Public | BindingFlags.Instance) is not { CanWrite: true } target)
            {
                continue;
            }
            if (!Compatible(source.PropertyType, target.PropertyType))
            {
                // A declaration mistake, said at first use rather than copied wrongly.
                throw new InvalidOperationException($"{key.From.Name}.{source.Name} ({source.PropertyType.Name}) does not map onto {key.To.Name}.{target.Name} ({target.PropertyType.Name}).");
            }
            pairs.Add(new Pair(source, target, nullability.Create(target).WriteState != NullabilityState.NotNull, source.GetCustomAttribute<FixedAttribute>(),
                source.IsDefined(typeof(FoldWidthAttribute))));
        }
        return pairs;
    });

    private static bool Compatible(Type source, Type target)
    {
        var from = Nullable.GetUnderlyingType(source) ?? source;
        var to = Nullable.GetUnderlyingType(target) ?? target;
        return to.IsAssignableFrom(from) && from.IsAssignableFrom(to);
    }

    private static object? Normalized(object? value, Type type, bool nullable, bool fold)
    {
        if (fold && value is string typed)
        {
            value = TextNormalizer.FoldWidth(typed);
        }
        switch (value)
        {
            case null when type == typeof(string):
                return nullable ? null : "";
            case null when typeof(JsonObject) == type:
                return nullable ? null : new JsonObject();
            case null when IsList(type):
                return nullable ? null : Array.CreateInstance(ElementOf(type), 0);
            case string text:
                return nullable ? TextNormalizer.Trimmed(text) : text.Trim();
            case IEnumerable<string> texts:
                return texts.Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToArray();
            case IList items when IsList(type) && IsRecord(ElementOf(type)):
                var normalised = Array.CreateInstance(ElementOf(type), items.Count);
                for (var i = 0; i < items.Count; i++)
                {
                    normalised.SetValue(items[i] is null ? null : NormalizedRecord(items[i]!, keepEmpty: true), i);
                }
                return normalised;
            case not null when IsRecord(value.GetType()):
                return NormalizedRecord(value, keepEmpty: !nullable);
            default:
                return value;
        }
    }

    /// <summary>A nested record with its fields normalised; null when all of them are empty and it may be absent.</summary>
    private static object? NormalizedRecord(object value, bool keepEmpty)
    {
        var copy = ShallowCopy.Invoke(value, null)!;
        var empty = true;
        foreach (var member in MembersOf(value.GetType()))
        {
            var normalised = Normalized(member.Property.GetValue(value), member.Property.PropertyType, member.Nullable, member.Fold);
            member.Property.SetValue(copy, normalised);
            empty &= normalised is null;
        }
        return empty && !keepEmpty ? null : copy;
    }

    private static IReadOnlyList<Member> MembersOf(Type type) => Members.GetOrAdd(type, t =>
    {
        var nullability = new NullabilityInfoContext();
        return [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => new Member(p, nullability.Create(p).WriteState != NullabilityState.NotNull, FoldsWidth(t, p)))];
    });

    /// <summary>A positional record's attribute may sit on its constructor parameter rather than its property.</summary>
    private static bool FoldsWidth(Type type, PropertyInfo property) =>
        property.IsDefined(typeof(FoldWidthAttribute))
        || type.GetConstructors().SelectMany(c => c.GetParameters()).Any(p => p.Name == property.Name && p.IsDefined(typeof(FoldWidthAttribute)));

    /// <summary>Records (the compiler gives them a clone method) are normalised field by field; other classes are copied as they are.</summary>
    public static bool IsRecord(Type type) => type.IsClass && type.GetMethod("<Clone>$") is not null;

    private static bool IsList(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>);

    private static Type ElementOf(Type type) => type.GetGenericArguments()[0];
}
