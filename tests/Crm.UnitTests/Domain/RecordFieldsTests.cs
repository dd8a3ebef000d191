using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

/// <summary>The one mapping from a fields record onto its record, and the normalisation every value gets on the way.</summary>
public sealed class RecordFieldsTests
{
    private sealed record Line([property: FoldWidth] string? Code, string Name, decimal Quantity);

    private sealed record Place(string? City, string? Street);

    private sealed record Thing : RecordBase
    {
        public string Name { get; init; } = "";
        public string? Note { get; init; }
        public string? Phone { get; init; }
        public IReadOnlyList<string> Tags { get; init; } = [];
        public Place? Place { get; init; }
        public IReadOnlyList<Line> Lines { get; init; } = [];
        public string? OwnerSecret { get; init; }
    }

    private sealed record ThingFields
    {
        public string? Name { get; init; }
        public string? Note { get; init; }

        [FoldWidth]
        public string? Phone { get; init; }

        public IReadOnlyList<string>? Tags { get; init; }
        public Place? Place { get; init; }
        public IReadOnlyList<Line>? Lines { get; init; }

        [Fixed("thing.name_fixed", "The name is set once.")]
        public string? Fixed { get; init; }
    }

    [Fact]
    public void CopiesFieldsByNameTrimmedAndLeavesTheRestOfTheRecord()
    {
        var record = new Thing { OwnerSecret = "kept" };

        var applied = RecordFields.Apply(record, new ThingFields { Name = "  Acme  ", Note = "   ", Tags = [" a", "b ", "a"] });

        Assert.Equal(("Acme", null, "kept"), (applied.Name, applied.Note, applied.OwnerSecret));
        Assert.Equal(["a", "b"], applied.Tags);
        Assert.Equal("kept", record.OwnerSecret);
        Assert.Equal("", record.Name);
    }

    [Fact]
    public void AnEmptyNestedRecordIsAbsentAndMissingListsAreEmpty()
    {
        var applied = RecordFields.Apply(new Thing(), new ThingFields { Name = "x", Place = new Place(" ", null) });

        Assert.Null(applied.Place);
        Assert.Empty(applied.Tags);
        Assert.Empty(applied.Lines);
        Assert.Equal(new Place("Hangzhou", null), RecordFields.Apply(new Thing(), new ThingFields { Place = new Place(" Hangzhou ", "") }).Place);
    }

    [Fact]
    public void FoldsFullWidthFormsOfFieldsDeclaredSoAndOnlyThose()
    {
        var applied = RecordFields.Apply(new Thing(), new ThingFields
        {
            Name = "Ａｃｍｅ（上海）",
            Phone = " ０２１－６２３４　５６７８ ",
            Lines = [new Line("ＳＫＵ－１", "螺丝，Ｍ３", 2)],
        });

        Assert.Equal("021-6234 5678", applied.Phone);
        Assert.Equal("Ａｃｍｅ（上海）", applied.Name); // a name keeps what was typed; uniqueness folds it anyway
        Assert.Equal(new Line("SKU-1", "螺丝，Ｍ３", 2), Assert.Single(applied.Lines));
    }

    [Fact]
    public void TheViewOfARecordHoldsItsEditableFields()
    {
        var view = RecordFields.View<ThingFields, Thing>(new Thing { Name = "Acme", Tags = ["a"], OwnerSecret = "s" });

        Assert.Equal("Acme", view.Name);
        Assert.Equal(["a"], view.Tags!);
    }

    [Fact]
    public void AFixedFieldMayBeNamedWithItsValueButNotMoved()
    {
        var current = new Thing();
        RecordFields.EnsureFixed(current, new ThingFields());

        var moved = Assert.Throws<ValidationException>(() => RecordFields.EnsureFixed(new FixedThing("a"), new ThingFields { Fixed = "b" }));
        Assert.Equal("thing.name_fixed", moved.Code);
        Assert.Equal(["fixed"], moved.Errors.Keys);
        RecordFields.EnsureFixed(new FixedThing("a"), new ThingFields { Fixed = "a" });
    }

    private sealed record FixedThing(string? Fixed) : RecordBase;
}
