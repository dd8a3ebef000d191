using Crm.Domain.Commerce;

namespace Crm.Commerce.Documents;

/// <summary>The document a template preview renders: Chinese and Latin text, a discount, tax and a long wrapped name.</summary>
public static class DocumentSample
{
    public const string SellerName = "上海示例科技有限公司";
    public const string BuyerName = "北京客户贸易有限公司";

    public static PrintableDocument Create(PrintableKind kind, int lineCount = 3)
    {
        var lines = Enumerable.Range(1, lineCount).Select(i => Line(i)).ToList();
        var net = lines.Sum(l => l.Net);
        var tax = lines.Sum(l => l.Tax);
        var gross = lines.Sum(l => l.Gross);
        var discount = lines.Sum(l => l.Quantity * l.UnitPrice) - net;
        return new PrintableDocument
        {
            Kind = kind,
            Number = "Q-2026-0001",
            Title = "报价单 Quotation",
            IssuedOn = new DateOnly(2026, 12, 7),
            ValidUntil = new DateOnly(2027, 1, 6),
            Currency = "CNY",
            Seller = new PrintableParty { Name = SellerName, Address = "上海市浦东新区世纪大道100号", Phone = "+86 21 5555 0100", Email = "sales@example.cn", TaxId = "91310000MA1K000000" },
            Buyer = new PrintableParty { Name = BuyerName, Address = "北京市朝阳区建国路88号", Phone = "+86 10 5555 0200", Email = "buy@example.com.cn", TaxId = "91110000MA0000000X" },
            ContactName = "王小明",
            Lines = lines,
            Totals = new PrintableTotals(net, discount, tax, gross),
            Terms = "付款条件：发票开具后30天内付款。Payment within 30 days of invoice.",
            Notes = "感谢您的惠顾！",
        };
    }

    private static PrintableLine Line(int i)
    {
        var quantity = i % 3 + 1m;
        var price = 1280m + i * 10;
        var discount = i % 2 == 0 ? 5m : 0m;
        var net = decimal.Round(quantity * price * (100 - discount) / 100, 2, MidpointRounding.AwayFromZero);
        var tax = decimal.Round(net * 0.13m, 2, MidpointRounding.AwayFromZero);
        return new PrintableLine
        {
            Position = i,
            Code = $"P-{i:000}",
            Name = i == 1 ? "企业级服务器 Enterprise rack server with redundant power supplies and a three-year on-site warranty 机架式" : $"产品 {i} 号 Product {i}",
            Description = i == 1 ? "含安装调试" : null,
            Quantity = quantity,
            Unit = "台",
            UnitPrice = price,
            DiscountPercent = discount,
            TaxPercent = 13,
            Net = net,
            Tax = tax,
            Gross = net + tax,
        };
    }
}
