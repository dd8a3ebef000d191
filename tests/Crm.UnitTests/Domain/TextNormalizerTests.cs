using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("ＡＢＣ 公司", "abc公司")]
    [InlineData("abc公司", "abc公司")]
    [InlineData("  Hello   World  ", "helloworld")]
    [InlineData("Tab\tand\nnew line", "tabandnewline")]
    [InlineData("ｆｕｌｌ\u3000ｗｉｄｔｈ　１２３", "fullwidth123")] // ideographic spaces go too
    [InlineData("北京科技有限公司", "北京科技有限公司")]
    [InlineData("zero\u200Bwidth", "zerowidth")]
    [InlineData("ÄÖÜ", "äöü")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void NormalizesWidthCaseAndSpace(string? text, string expected) => Assert.Equal(expected, TextNormalizer.Normalize(text));

    [Fact]
    public void FullWidthAndHalfWidthNamesAreTheSameName() =>
        Assert.Equal(TextNormalizer.Normalize("Ａｃｍｅ　Ｃｏ．"), TextNormalizer.Normalize("acme co."));

    [Theory]
    [InlineData("+86 138-0000-5678", "8613800005678")]
    [InlineData("(010) 6552 1234", "01065521234")]
    [InlineData("１３８００００５６７８", "13800005678")]
    [InlineData("no digits", "")]
    [InlineData("٣٤٥", "")] // only ASCII digits count
    [InlineData("", "")]
    [InlineData(null, "")]
    public void DigitsKeepsOnlyDigits(string? text, string expected) => Assert.Equal(expected, TextNormalizer.Digits(text));
}
