using System.Text.Json;
using DevOpsProvider.Connect;

namespace DevOpsProvider.Tests.Connect;

public class QueryStringHashTests
{
    public sealed record Vector(string Name, string Method, string Url, string BaseUrlPath, string CanonicalRequest, string Qsh);

    public static TheoryData<int, string> Vectors()
    {
        var data = new TheoryData<int, string>();
        var vectors = LoadVectors();
        for (var i = 0; i < vectors.Count; i++)
        {
            data.Add(i, vectors[i].Name);
        }

        return data;
    }

    [Fact]
    public void VectorFile_HoldsAll42Cases()
        => Assert.Equal(42, LoadVectors().Count);

    [Theory]
    [MemberData(nameof(Vectors))]
    public void CanonicalRequestAndQsh_MatchAtlassianReference(int index, string name)
    {
        var v = LoadVectors()[index];
        Assert.Equal(name, v.Name);
        Assert.Equal(v.CanonicalRequest, QueryStringHash.CanonicalRequest(v.Method, v.Url, v.BaseUrlPath));
        Assert.Equal(v.Qsh, QueryStringHash.Compute(v.Method, v.Url, v.BaseUrlPath));
    }

    [Theory]
    [InlineData("/path", "GET&/path&", "799be84a7fa35570087163c0cd9af3abff7ac05c2c12ba0bb1d7eebc984b3ac2")]
    [InlineData("/", "GET&/&", "c88caad15a1c1a900b8ac08aa9686f4e8184539bea1deda36e2f649430df3239")]
    public void ProtocolExamples_Hash(string url, string canonical, string qsh)
    {
        Assert.Equal(canonical, QueryStringHash.CanonicalRequest("GET", url));
        Assert.Equal(qsh, QueryStringHash.Compute("GET", url));
    }

    [Theory]
    [InlineData("/path/to/service?zee_last=param&repeated=parameter 1&first=param&repeated=parameter 2",
        "GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last=param")]
    [InlineData("/hello-world?a&b=foo&c", "GET&/hello-world&a=&b=foo&c=")]
    // '+', a raw space and %20 all mean a space and are hashed as %20; a literal plus arrives as %2B.
    [InlineData("/p?q=a+b", "GET&/p&q=a%20b")]
    [InlineData("/p?q=a b", "GET&/p&q=a%20b")]
    [InlineData("/p?q=a%20b", "GET&/p&q=a%20b")]
    [InlineData("/p?q=a%2bb", "GET&/p&q=a%2Bb")]
    [InlineData("/p?q=*", "GET&/p&q=%2A")]
    [InlineData("/p?q=~", "GET&/p&q=~")]
    [InlineData("/p?q=%7e", "GET&/p&q=~")]
    [InlineData("/p?q=日本", "GET&/p&q=%E6%97%A5%E6%9C%AC")]
    [InlineData("/p?q=%F0%9F%98%80", "GET&/p&q=%F0%9F%98%80")]
    [InlineData("/p?q=😀", "GET&/p&q=%F0%9F%98%80")]
    [InlineData("/p?b=2&a=1&b=1", "GET&/p&a=1&b=1,2")]
    [InlineData("/p?v=a,b", "GET&/p&v=a%2Cb")]
    [InlineData("/p?a=&b=", "GET&/p&a=&b=")]
    [InlineData("/p?a=1&&b=2", "GET&/p&a=1&b=2")]
    [InlineData("/p?jwt=x.y.z&b=2", "GET&/p&b=2")]
    [InlineData("/p?JWT=x&b=2", "GET&/p&JWT=x&b=2")]
    [InlineData("/p?z=1&Z=2&_=3&0=4", "GET&/p&0=4&Z=2&_=3&z=1")]
    [InlineData("/p/", "GET&/p&")]
    [InlineData("/p//", "GET&/p/&")]
    [InlineData("/p?", "GET&/p&")]
    public void OwnCases_Canonicalise(string url, string canonical)
        => Assert.Equal(canonical, QueryStringHash.CanonicalRequest("GET", url));

    [Theory]
    [InlineData("/app/installed", "/app", "POST&/installed&")]
    [InlineData("/app/installed", "/app/", "POST&/installed&")]
    [InlineData("/application/installed", "/app", "POST&/application/installed&")]
    [InlineData("/app", "/app", "POST&/&")]
    [InlineData("https://example.atlassian.net/jira/rest/devopscomponents/1.0/bulk", "/jira", "POST&/rest/devopscomponents/1.0/bulk&")]
    public void ContextPath_IsStrippedAsAWholeSegment(string url, string basePath, string canonical)
        => Assert.Equal(canonical, QueryStringHash.CanonicalRequest("POST", url, basePath));

    [Fact]
    public void Matches_RejectsAnotherMethodOrPath()
    {
        var qsh = QueryStringHash.Compute("POST", "/actions/x", null, "");
        Assert.True(QueryStringHash.Matches(qsh, "POST", "/actions/x", "", ""));
        Assert.False(QueryStringHash.Matches(qsh, "PUT", "/actions/x", "", ""));
        Assert.False(QueryStringHash.Matches(qsh, "POST", "/actions/y", "", ""));
        Assert.False(QueryStringHash.Matches(qsh, "POST", "/actions/x", "?a=1", ""));
    }

    private static List<Vector> LoadVectors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "qsh-vectors.json");
        return JsonSerializer.Deserialize<List<Vector>>(File.ReadAllText(path), JsonSerializerOptions.Web)!;
    }
}
